/**
 * What happens to each message a client sends, whatever the transport: flood
 * control, decoding, the malformed-message allowance, the handshake (with the
 * password guard's delay and lockout, probes, and the identity proof:
 * `hello.key` → `challenge` → `prove`, a failed proof counted by the shared
 * secret guard as kind `identity`), then the hub. TCP/TLS
 * (`connection.ts`) and WebSocket (`ws_connection.ts`) connections each own
 * one and feed it payloads, so both get the same rules by construction.
 * Options: `inbound_options.ts`; flood state: `connection_flood.ts`.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import {
  type ByeCode,
  type ClientMessage,
  encodeMessage,
  type ErrorCode,
  type HelloMessage,
  parseClientMessage,
} from "../../protocol/messages.ts";
import { readRef } from "../../protocol/read_ref.ts";
import type { AuthGuard } from "../guards/auth_guard.ts";
import type { InboundOptions, InboundTransport } from "./inbound_options.ts";
import { ClientMessageError } from "../../protocol/client_message_error.ts";
import {
  DEFAULT_FIELD_LIMIT_CONTEXT,
  type FieldLimitContext,
} from "../../protocol/field_limits.ts";
import { logText } from "../log_text.ts";
import type { SecretGuard } from "../guards/secret_guard.ts";
import { ChatError } from "./chat_error.ts";
import { IdentityChallenge } from "./identity_challenge.ts";
import { ConnectionFlood } from "./connection_flood.ts";
import type { ServerMetrics } from "../metrics.ts";
import type { Hub } from "./hub.ts";
import type { Session } from "./session.ts";

export type { InboundOptions, InboundTransport } from "./inbound_options.ts";

const log = getLogger(["parley", "server"]);

/**
 * Where a connection's protocol conversation is: waiting for `hello`, waiting
 * for `prove` after a `challenge`, checking the proof, admitted, answering a
 * refusal late, or over.
 */
type Phase = "handshake" | "proving" | "verifying" | "claiming" | "open" | "refusing" | "done";

/** Most payloads kept while a cluster nick claim is under way; more close the connection. */
const MAX_HELD_PAYLOADS = 64;

/** A `hello` with a key, waiting for its proof. */
interface PendingProof {
  hello: HelloMessage;
  challenge: IdentityChallenge;
}

/**
 * The protocol conversation of one connection.
 *
 * @example
 * ```ts
 * // Inside a transport, for each complete payload:
 * // inbound.handle(payload);
 * ```
 */
export class InboundHandler {
  /** The session once the handshake is done. */
  session: Session | undefined;
  readonly #transport: InboundTransport;
  readonly #hub: Hub;
  /** Flood state, taken at the first payload (the `hello` counts). */
  readonly #flood: ConnectionFlood;
  readonly #authGuard: AuthGuard | undefined;
  readonly #metrics: ServerMetrics | undefined;
  readonly #maxBadMessages: number;
  readonly #onAdmitted: () => void;
  #phase: Phase = "handshake";
  #pending: PendingProof | undefined;
  #badMessages = 0;
  #refusal: ReturnType<typeof setTimeout> | undefined;
  /** Payloads that arrived while the nick was being claimed in the cluster. */
  #held: Uint8Array[] = [];

  /**
   * @param transport The connection (send, close, abort, remote address).
   * @param hub The chat.
   * @param options Flood limits, malformed-message allowance, password guard.
   * @param onAdmitted Called once the hub admitted the client (raise frame limits here).
   */
  constructor(
    transport: InboundTransport,
    hub: Hub,
    options: InboundOptions,
    onAdmitted: () => void,
  ) {
    this.#transport = transport;
    this.#hub = hub;
    this.#flood = new ConnectionFlood(options, transport, () => hub.limits.maxFrameBytes);
    this.#authGuard = options.authGuard;
    this.#metrics = options.metrics;
    this.#maxBadMessages = options.maxBadMessages ?? 10;
    this.#onAdmitted = onAdmitted;
  }

  /**
   * Whether the handshake is unfinished: no `hello` yet, or a refusal is
   * being delayed (the handshake deadline still applies; heartbeats do not).
   */
  get inHandshake(): boolean {
    return this.#phase !== "open" && this.#phase !== "done";
  }

  /** Whether payloads are still being taken (not refusing, not done). */
  get accepting(): boolean {
    return this.#phase === "handshake" || this.#phase === "proving" ||
      this.#phase === "verifying" || this.#phase === "claiming" || this.#phase === "open";
  }

  /**
   * Handles one payload (a frame's body, or a WebSocket message's bytes).
   *
   * @param payload UTF-8 JSON bytes; may be a view that is reused after return.
   */
  handle(payload: Uint8Array): void {
    if (!this.accepting) return;
    if (this.#phase === "open") this.#metrics?.received();
    const now = this.#hub.now();
    const verdict = this.#flood.check(payload.length + 4, now);
    if (verdict !== "accept") {
      this.#floodRefused(payload, verdict);
      return;
    }
    if (this.#phase === "claiming") {
      // A client may write right after its hello; keep it (paid for) until admitted.
      if (this.#held.length >= MAX_HELD_PAYLOADS) {
        this.refuse("rate_limited", "Too many messages before the welcome");
        return;
      }
      this.#held.push(payload.slice());
      return;
    }
    this.#process(payload, now);
  }

  /** Parses and handles one payload that flood control accepted. */
  #process(payload: Uint8Array, now: number): void {
    let message: ClientMessage;
    try {
      message = parseClientMessage(payload, this.#fieldLimits());
    } catch (error) {
      if (!(error instanceof SyntaxError || error instanceof TypeError)) throw error;
      this.malformed(error, readRef(payload));
      return;
    }
    if (this.#phase === "open") {
      // An expensive request (a search) costs more than the one message paid above.
      const extra = this.#hub.floodCost(message) - 1;
      if (extra > 0) {
        const verdict = this.#flood.check(0, now, extra);
        if (verdict !== "accept") {
          this.#floodRefused(payload, verdict);
          return;
        }
      }
      this.#hub.receive(this.session!, message);
    } else if (this.#phase === "handshake") this.#handshake(message);
    else if (this.#phase === "proving" && message.type === "prove") this.#prove(message.signature);
    else {
      this.refuse(
        "handshake_required",
        this.#phase === "proving"
          ? `Expected a prove message answering the challenge, got "${message.type}"`
          : "Wait for the answer to your proof",
      );
    }
  }

  /**
   * Counts a malformed message (bad JSON, wrong field, a binary WebSocket
   * message): refused before the handshake, answered with `bad_message` after,
   * and the connection closed once there are more than `maxBadMessages`.
   *
   * @param error What was wrong, as a sentence.
   * @param ref The message's `ref` when it could be read (see `readRef`);
   *   the `bad_message` error carries it.
   */
  malformed(error: Error, ref?: number): void {
    if (!this.accepting) return;
    if (this.#phase !== "open") {
      if (
        this.#phase === "handshake" && error instanceof ClientMessageError &&
        error.messageType === "hello"
      ) {
        // A hello with a bad field (too long, a lone surrogate): say which.
        this.refuse(error.code, error.message);
        return;
      }
      this.refuse(
        "handshake_required",
        `Expected a ${this.#phase === "handshake" ? "hello" : "prove"} message: ${error.message}`,
      );
      return;
    }
    this.#badMessages++;
    // The parser knows the ref of a message it could read; `ref` covers the rest.
    const answerTo = ref ?? (error instanceof ClientMessageError ? error.ref : undefined);
    // The error can quote the client (a type, a field name): cut it for the log.
    log.info("bad message from {address}: {error}", {
      address: this.#transport.remoteAddr,
      error: logText(error.message),
    });
    if (this.#badMessages > this.#maxBadMessages) {
      this.refuse("bad_message", `Too many malformed messages; last: ${error.message}`, {
        ref: answerTo,
      });
      return;
    }
    const code = error instanceof ClientMessageError ? error.code : "bad_message";
    this.#sendError(code, error.message, answerTo);
  }

  /** The limits the field table follows: what this server announces. */
  #fieldLimits(): FieldLimitContext {
    const { maxTextBytes, maxMediaBytes } = this.#hub.limits;
    return {
      maxTextBytes,
      maxMediaBytes: maxMediaBytes ?? DEFAULT_FIELD_LIMIT_CONTEXT.maxMediaBytes,
    };
  }

  /**
   * Sends a typed error, then closes the connection gracefully.
   *
   * @param code Protocol error code.
   * @param message A sentence for the user.
   * @param options `bye`: a `bye` with this code follows the error as the last
   *   frame, and is the leave code of a joined user; `ref`: the `ref` of the
   *   message that caused it, when there is one.
   */
  refuse(code: ErrorCode, message: string, options: { bye?: ByeCode; ref?: number } = {}): void {
    const { bye, ref } = options;
    this.#phase = "done";
    this.#sendError(code, message, ref);
    if (bye) this.#transport.send(encodeMessage({ type: "bye", code: bye, reason: message }));
    this.#transport.close(`${code}: ${message}`, bye ?? "disconnected");
  }

  /** Cancels a delayed refusal (the connection closed first). */
  dispose(): void {
    if (this.#refusal !== undefined) clearTimeout(this.#refusal);
    this.#refusal = undefined;
    this.#pending = undefined;
    this.#held = [];
    this.#phase = "done";
    this.#flood.release(this.#hub.now());
  }

  #handshake(message: ClientMessage): void {
    if (message.type !== "hello") {
      this.refuse("handshake_required", `Expected a hello message first, got "${message.type}"`);
      return;
    }
    const address = this.#transport.remoteAddr;
    const guard = this.#hub.requiresPassword ? this.#authGuard : undefined;
    // A hello that will check a secret (a password, or a key's proof) meets the lockout first.
    const keyed = message.key !== undefined && message.version >= 2;
    const locked = guard || keyed ? this.#secrets.lockedFor(address) : 0;
    if (locked > 0) {
      log.warn("refused {address}: locked out for {ms} more ms", { address, ms: locked });
      this.refuse(
        "locked_out",
        `Too many failed attempts from your address; try again in ${Math.ceil(locked / 1000)} s`,
      );
      return;
    }
    try {
      if (message.probe) {
        this.#hub.admission.checkHello(message, address);
        this.#phase = "done";
        this.#transport.send(encodeMessage(this.#hub.admission.probeWelcome(message)));
        this.#transport.close("probe");
        return;
      }
      // Version 1 clients are guests whatever they send.
      if (message.key !== undefined && message.version >= 2) {
        let challenge: IdentityChallenge;
        try {
          challenge = new IdentityChallenge(message.key);
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
          this.refuse("bad_message", error.message);
          return;
        }
        this.#hub.admission.precheck(message, this.#transport, challenge.identity);
        guard?.succeed(address);
        this.#pending = { hello: message, challenge };
        this.#phase = "proving";
        this.#transport.send(encodeMessage({ type: "challenge", nonce: challenge.nonceBase64 }));
        return;
      }
      if (this.#hub.cluster !== undefined) {
        this.#hub.admission.precheck(message, this.#transport, undefined);
        guard?.succeed(address);
        this.#admitClustered(message, undefined);
        return;
      }
      this.session = this.#hub.admission.admit(message, this.#transport);
      this.#phase = "open";
      this.#onAdmitted();
      guard?.succeed(address);
    } catch (error) {
      if (!(error instanceof ChatError)) throw error;
      if (guard && error.code === "auth_failed" && message.password !== undefined) {
        // Answer a wrong password late, on this connection only; the hub carries on.
        this.#refuseLater(error, guard.fail(address));
        return;
      }
      this.refuse(error.code, error.message);
    }
  }

  /**
   * Checks the proof answering this connection's challenge (asynchronously:
   * Web Crypto), then admits the client with its identity. Each proof is an
   * attempt at the shared secret guard, kind `identity`: a wrong one is
   * answered late and counts towards the address's lockout.
   */
  #prove(signature: string): void {
    const pending = this.#pending!;
    const address = this.#transport.remoteAddr;
    const attempt = this.#secrets.begin(address, "identity");
    if (!attempt.allowed) {
      this.refuse(
        "locked_out",
        `Too many failed attempts from your address; try again in ${
          Math.ceil(attempt.retryAfterMs / 1000)
        } s`,
      );
      return;
    }
    this.#phase = "verifying";
    pending.challenge.verify(signature, this.#hub.proofNames.values()).then((valid) => {
      if (this.#phase !== "verifying") {
        // The connection ended while the proof was checked.
        if (valid) attempt.succeed();
        else attempt.fail();
        return;
      }
      this.#pending = undefined;
      if (!valid) {
        log.warn("identity proof failed from {address} for {identity}", {
          address,
          identity: pending.challenge.identity,
        });
        this.#refuseLater(
          new ChatError("auth_failed", "The identity proof is not valid"),
          attempt.fail(),
        );
        return;
      }
      attempt.succeed();
      if (this.#hub.cluster !== undefined) {
        this.#admitClustered(pending.hello, pending.challenge.identity);
        return;
      }
      try {
        this.session = this.#hub.admission.admit(
          pending.hello,
          this.#transport,
          pending.challenge.identity,
        );
      } catch (error) {
        if (!(error instanceof ChatError)) throw error;
        this.refuse(error.code, error.message);
        return;
      }
      this.#phase = "open";
      this.#onAdmitted();
    }).catch((error) => this.#internal(error));
  }

  /**
   * Cluster mode: claims the nick in the cluster registry, then admits
   * synchronously (which checks everything again locally). A nick another
   * node holds is `nick_taken`; a registry that does not answer, `unavailable`.
   */
  #admitClustered(hello: HelloMessage, identity: string | undefined): void {
    const cluster = this.#hub.cluster!;
    this.#phase = "claiming";
    cluster.claimFor(hello.nick, hello.resume, identity, this.#transport.remoteAddr).then(
      (claimed) => {
        if (this.#phase !== "claiming") {
          // The connection ended meanwhile.
          if (claimed) cluster.release(hello.nick);
          return;
        }
        if (!claimed) {
          this.refuse("nick_taken", `Nick ${hello.nick} is already in use`);
          return;
        }
        try {
          this.session = this.#hub.admission.admit(hello, this.#transport, identity);
        } catch (error) {
          if (!(error instanceof ChatError)) throw error;
          cluster.release(hello.nick);
          this.refuse(error.code, error.message);
          return;
        }
        this.#phase = "open";
        this.#onAdmitted();
        const held = this.#held;
        this.#held = [];
        for (const payload of held) this.handle(payload);
      },
      (error) => {
        if (this.#phase !== "claiming") return;
        const refusal = error instanceof ChatError
          ? error
          : new ChatError("unavailable", `Cannot reach the cluster: ${error}`);
        this.refuse(refusal.code, refusal.message);
      },
    );
  }

  /** Answers a wrong secret after `delayMs`, on this connection only; the hub carries on. */
  #refuseLater(error: ChatError, delayMs: number): void {
    this.#phase = "refusing";
    this.#refusal = setTimeout(() => {
      this.#refusal = undefined;
      try {
        this.refuse(error.code, error.message);
      } catch (failure) {
        this.#internal(failure);
      }
    }, delayMs);
  }

  /**
   * An unexpected error on a path the transport's last catch does not cover
   * (a timer, a promise): logged once, answered with `internal`, and the
   * connection closed; nothing escapes to the process.
   */
  #internal(error: unknown): void {
    log.error("internal error handling input from {address}: {error}", {
      address: this.#transport.remoteAddr,
      error,
    });
    try {
      this.refuse("internal", "Internal error: the server could not handle this request");
    } catch (again) {
      log.error("could not answer {address} after an internal error: {error}", {
        address: this.#transport.remoteAddr,
        error: again,
      });
      this.#transport.abort("internal error");
    }
  }

  /** The guard every secret goes through. */
  get #secrets(): SecretGuard {
    return this.#authGuard?.secrets ?? this.#hub.secrets;
  }

  /** Answers a payload over the flood limits; disconnects when strikes run out. */
  #floodRefused(payload: Uint8Array, verdict: "refuse" | "disconnect"): void {
    this.#metrics?.floodRefused();
    if (this.#phase === "handshake") {
      // A reconnect loop from an address over its limits: refused unlogged, so
      // that it writes nothing to the log per attempt.
      this.refuse("rate_limited", "Your address is sending too fast; try again later");
      return;
    }
    const nick = this.session?.nick ?? "";
    const address = this.#transport.remoteAddr;
    if (verdict === "disconnect") {
      log.warn("flood from {nick} ({address}): {refused} messages over the limit, disconnecting", {
        nick,
        address,
        refused: this.#flood.refused,
      });
      this.refuse("rate_limited", "Disconnected for sending too fast", { bye: "rate_limited" });
      return;
    }
    if (this.#flood.refused === 1) log.warn("rate limited {nick} ({address})", { nick, address });
    const ref = readRef(payload);
    const text = "You are sending too fast; this message was not delivered";
    this.#sendError("rate_limited", text, ref);
  }

  /** Sends one `error`, carrying `ref` when there is one. */
  #sendError(code: ErrorCode, message: string, ref: number | undefined): void {
    this.#transport.send(encodeMessage(
      ref === undefined ? { type: "error", code, message } : { type: "error", code, message, ref },
    ));
  }
}
