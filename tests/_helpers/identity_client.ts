/**
 * Test clients that prove an identity key: an Ed25519 key pair made with Web
 * Crypto, the `hello.key` → `challenge` → `prove` → `welcome` exchange over TCP
 * (a {@linkcode RawClient}) or over WebSocket (a {@linkcode WsClient}).
 *
 * @module
 */

import {
  type ClientMessage,
  type HelloMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
} from "../../protocol/messages.ts";
import { fingerprint, fromBase64, signProof, toBase64 } from "../../protocol/identity.ts";
import { RawClient } from "./raw_client.ts";

/** A key pair and its fingerprint. */
export interface TestIdentity {
  /** Signs proofs. */
  privateKey: CryptoKey;
  /** Raw 32-byte public key. */
  publicKeyRaw: Uint8Array;
  /** `SHA256:...`. */
  fingerprint: string;
}

/** Makes a fresh Ed25519 identity. */
export async function makeIdentity(): Promise<TestIdentity> {
  const pair = await crypto.subtle.generateKey("Ed25519", true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const publicKeyRaw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  return {
    privateKey: pair.privateKey,
    publicKeyRaw,
    fingerprint: await fingerprint(publicKeyRaw),
  };
}

/** Options for {@linkcode joinWithKey} and {@linkcode WsClient.join}. */
export interface KeyedJoinOptions {
  /** Server password. */
  password?: string;
  /**
   * Name signed in the proof (the host dialled).
   * @default {"127.0.0.1"}
   */
  serverName?: string;
  /** Sign this nonce instead of the server's (to test a wrong proof). */
  forgeNonce?: Uint8Array;
  /** Resume token. */
  resume?: string;
}

/** The `hello` that offers `identity`'s key. */
export function keyedHello(
  nick: string,
  identity: TestIdentity,
  options: KeyedJoinOptions = {},
): HelloMessage {
  const hello: HelloMessage = {
    type: "hello",
    version: PROTOCOL_VERSION,
    nick,
    key: toBase64(identity.publicKeyRaw),
  };
  if (options.password !== undefined) hello.password = options.password;
  if (options.resume !== undefined) hello.resume = options.resume;
  return hello;
}

/** The `prove` answering a `challenge`. */
export async function proveMessage(
  challenge: ServerMessage,
  identity: TestIdentity,
  options: KeyedJoinOptions = {},
): Promise<ClientMessage> {
  if (challenge.type !== "challenge") {
    throw new Error(`expected a challenge, got ${JSON.stringify(challenge)}`);
  }
  const nonce = options.forgeNonce ?? fromBase64(challenge.nonce);
  const signature = await signProof(
    identity.privateKey,
    nonce,
    options.serverName ?? "127.0.0.1",
    identity.publicKeyRaw,
  );
  return { type: "prove", signature: toBase64(signature) };
}

/**
 * Connects over TCP and proves `identity`; resolves with the client once the
 * answer to the proof (a `welcome` or an `error`) has arrived.
 *
 * @param port The server's TCP port on 127.0.0.1.
 * @param nick The nick wanted.
 * @param identity The key to prove.
 * @param options Password, signed name, forged nonce, resume token.
 */
export async function openWithKey(
  port: number,
  nick: string,
  identity: TestIdentity,
  options: KeyedJoinOptions = {},
): Promise<RawClient> {
  const client = await RawClient.open(port);
  await client.send(keyedHello(nick, identity, options));
  const first = await client.next(() => true);
  if (first.type !== "challenge") return client;
  await client.send(await proveMessage(first, identity, options));
  await client.next((m) => m.type === "welcome" || m.type === "error");
  return client;
}

/**
 * Like {@linkcode openWithKey}, but throws unless the server welcomed the client.
 */
export async function joinWithKey(
  port: number,
  nick: string,
  identity: TestIdentity,
  options: KeyedJoinOptions = {},
): Promise<RawClient> {
  const client = await openWithKey(port, nick, identity, options);
  const answer = client.received.find((m) => m.type === "welcome" || m.type === "error");
  if (answer?.type !== "welcome") {
    client.close();
    throw new Error(`keyed handshake as ${nick} failed: ${JSON.stringify(client.received)}`);
  }
  return client;
}

/** A WebSocket client speaking the JSON messages, for tests. */
export class WsClient implements AsyncDisposable {
  /** Every message received, in order. */
  readonly received: ServerMessage[] = [];
  readonly #socket: WebSocket;
  readonly #opened: Promise<void>;
  readonly #closedPromise: Promise<void>;
  #closed = false;

  /** @param url `ws://host:port/ws`. */
  constructor(url: string) {
    this.#socket = new WebSocket(url);
    this.#opened = new Promise((resolve, reject) => {
      this.#socket.onopen = () => resolve();
      this.#socket.onerror = () => reject(new Error(`cannot open ${url}`));
    });
    this.#closedPromise = new Promise((resolve) => {
      this.#socket.onclose = () => {
        this.#closed = true;
        resolve();
      };
    });
    this.#socket.onmessage = (event) => {
      this.received.push(JSON.parse(String(event.data)) as ServerMessage);
    };
  }

  /**
   * Opens a WebSocket and completes a keyed (or, without `identity`, a guest) handshake.
   *
   * @throws {Error} Unless the server answers `welcome`.
   */
  static async join(
    url: string,
    nick: string,
    identity?: TestIdentity,
    options: KeyedJoinOptions = {},
  ): Promise<WsClient> {
    const client = new WsClient(url);
    await client.#opened;
    if (identity) {
      client.send(keyedHello(nick, identity, options));
      const challenge = await client.next(() => true);
      client.send(await proveMessage(challenge, identity, options));
    } else {
      client.send({ type: "hello", version: PROTOCOL_VERSION, nick });
    }
    const answer = await client.next((m) => m.type === "welcome" || m.type === "error");
    if (answer.type !== "welcome") {
      await client[Symbol.asyncDispose]();
      throw new Error(`WebSocket handshake as ${nick} failed: ${JSON.stringify(answer)}`);
    }
    return client;
  }

  /** Sends one message. */
  send(message: ClientMessage): void {
    this.#socket.send(JSON.stringify(message));
  }

  /** The first received message matching, waiting up to `timeoutMs`. */
  async next(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = this.received.find(match);
      if (found) return found;
      if (this.#closed) throw new Error(`closed; received ${JSON.stringify(this.received)}`);
      if (Date.now() > deadline) {
        throw new Error(`timed out; received ${JSON.stringify(this.received)}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Closes the socket and waits for it to be closed. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#closed) this.#socket.close();
    await this.#closedPromise;
  }
}
