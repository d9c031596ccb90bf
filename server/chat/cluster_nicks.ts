/**
 * The cluster-wide nick space as one node uses it: a nick (and its
 * look-alike skeleton) is claimed in the cluster registry before the local,
 * synchronous registration; a client resuming on this node asks the node
 * holding its nick to close its ghost there (that node checks the token and
 * the identity); an operator's `/kick`, and an `/invite`, of a user on
 * another node is sent to that node.
 *
 * @module
 */

import { getLogger } from "../log.ts";
import type { ClusterNode } from "../cluster/cluster_node.ts";
import { nickSkeleton } from "../guards/confusable_skeleton.ts";
import { encodeMessage } from "../../protocol/messages.ts";
import { nameKey } from "../../protocol/names.ts";
import { ChatError } from "./chat_error.ts";
import type { RoomAccess } from "./room_access.ts";
import type { Session } from "./session.ts";

const log = getLogger(["parley", "server"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What {@linkcode ClusterNicks} uses of the hub. */
export interface ClusterNicksHub {
  /** Finds a local session by nick. */
  find(nick: string): Session | undefined;
  /** Finds the local session holding a nick or a look-alike of it. */
  findLike(nick: string): Session | undefined;
  /** Closes a local ghost session for a client resuming elsewhere. */
  readonly admission: {
    takeOverGhost(
      hello: { nick: string; resume?: string },
      remoteAddr: string,
      identity: string | undefined,
    ): boolean;
  };
  /** Disconnects a local user, telling them and their rooms. */
  kick(nick: string, reason: string, by: string): boolean;
  /** Room privacy: invitations. */
  readonly access: Pick<RoomAccess, "invite">;
  /** Clock, ms since the epoch. */
  now(): number;
}

/**
 * Nick claims, resumes and kicks across nodes.
 *
 * @example
 * ```ts ignore
 * const nicks = new ClusterNicks(node, hub, checkLink);
 * const stop = nicks.listen();
 * await nicks.claim("alice"); // true: this node now holds it
 * ```
 */
export class ClusterNicks {
  readonly #node: Pick<ClusterNode, "registry" | "link">;
  readonly #hub: ClusterNicksHub;
  readonly #checkLink: () => void;
  /** The last pending registry operation per key (see `#serial`). */
  readonly #queues = new Map<string, Promise<void>>();

  /**
   * @param node The cluster node (its registry and link).
   * @param hub The hub.
   * @param checkLink Throws `unavailable` while the NATS link is down.
   */
  constructor(
    node: Pick<ClusterNode, "registry" | "link">,
    hub: ClusterNicksHub,
    checkLink: () => void,
  ) {
    this.#node = node;
    this.#hub = hub;
    this.#checkLink = checkLink;
  }

  /**
   * Answers other nodes: resume requests (close a ghost here) and kicks.
   *
   * @returns Functions that stop listening.
   */
  listen(): (() => void)[] {
    const resume = this.#node.link.connection.subscribe(
      `${this.#node.link.name}.resume.${this.#node.link.nodeId}`,
      {
        callback: (error, message) => {
          if (error !== null) return;
          void this.#resumeAsked(message.data).then(
            (answer) => message.respond(encoder.encode(answer)),
            (cause) => log.warn("resume request failed: {cause}", { cause }),
          );
        },
      },
    );

    const kicks = this.#listenFor("kick", ({ nick, reason, by }) => {
      this.#hub.kick(String(nick), String(reason), String(by));
    });
    const invites = this.#listenFor("invite", ({ nick, room, by }) => {
      this.#invited(String(nick), String(room), String(by));
    });
    return [() => resume.unsubscribe(), kicks, invites];
  }

  /**
   * Handles requests sent to this node on `<name>.<what>.<node id>` (JSON
   * objects); a malformed one is logged and dropped.
   *
   * @returns A function that stops listening.
   */
  #listenFor(
    what: "kick" | "invite",
    handle: (request: Record<string, unknown>) => void,
  ): () => void {
    const subscription = this.#node.link.connection.subscribe(
      `${this.#node.link.name}.${what}.${this.#node.link.nodeId}`,
      {
        callback: (error, message) => {
          if (error !== null) return;
          try {
            handle(JSON.parse(decoder.decode(message.data)) ?? {});
          } catch (cause) {
            if (!(cause instanceof SyntaxError)) throw cause;
            log.warn("dropped a malformed {what} request: {cause}", { what, cause });
          }
        },
      },
    );
    return () => subscription.unsubscribe();
  }

  /** Another node's `/invite` of a user connected here. */
  #invited(nick: string, room: string, by: string): void {
    const invitee = this.#hub.find(nick);
    if (!invitee) return;
    this.#hub.access.invite(room, invitee);
    invitee.send(encodeMessage({
      type: "notice",
      ts: this.#hub.now(),
      text: `${by} invites you to ${room}; type /join ${room}`,
    }));
  }

  /**
   * Claims a nick cluster-wide for a local session about to take it, and its
   * look-alike key (see `nickSkeleton`).
   *
   * @param nick The nick.
   * @returns `false` when another node holds it.
   * @throws {ChatError} `unavailable` when NATS does not answer.
   */
  async claim(nick: string): Promise<boolean> {
    this.#checkLink();
    const { registry } = this.#node;
    try {
      if (!(await this.#serial(nameKey(nick), () => registry.claim(nick)))) return false;
      // Look-alikes (same skeleton) are one nick cluster-wide, as on one server.
      const alike = lookAlikeKey(nick);
      if (await this.#serial(alike, () => registry.claim(alike))) return true;
      this.release(nick);
      return false;
    } catch (error) {
      throw new ChatError("unavailable", `Cannot check the nick with the cluster: ${error}`);
    }
  }

  /**
   * Claims a nick for a connecting client; with a resume token, first asks
   * the node holding the nick to close the client's ghost there (it checks
   * the token and the identity, as for a resume on one server).
   *
   * @param nick The nick.
   * @param resume `hello.resume`, if any.
   * @param identity The client's proven identity; `undefined` for a guest.
   * @param remoteAddr Where the client connects from.
   * @returns `false` when another node holds the nick.
   * @throws {ChatError} `unavailable` when NATS does not answer, or when the
   *   node holding the nick does not answer a resume (it died and is not yet
   *   swept: the client should try again).
   */
  async claimFor(
    nick: string,
    resume: string | undefined,
    identity: string | undefined,
    remoteAddr: string,
  ): Promise<boolean> {
    const owner = this.#node.registry.owner(nick);
    if (resume && owner !== undefined && owner.node !== this.#node.link.nodeId) {
      const { link } = this.#node;
      try {
        await link.connection.request(
          `${link.name}.resume.${owner.node}`,
          encoder.encode(JSON.stringify({ nick, resume, identity, remoteAddr })),
          { timeout: 2_000 },
        );
      } catch (error) {
        log.info("resume of {nick} on {node} not answered: {error}", {
          nick,
          node: owner.node,
          error,
        });
        // The node is gone or silent: its nicks free up when the registry
        // sweeps it. Until then the client should try again, not take another nick.
        if (this.#node.registry.owner(nick)?.node === owner.node) {
          throw new ChatError(
            "unavailable",
            "The server that held your session does not answer; try again in a few seconds",
          );
        }
      }
    }
    return await this.claim(nick);
  }

  /** Another node asks this one to close a ghost so that its client can resume there. */
  async #resumeAsked(data: Uint8Array): Promise<string> {
    const { nick, resume, identity, remoteAddr } = JSON.parse(decoder.decode(data));
    if (typeof nick !== "string" || typeof resume !== "string") return "refused";
    let taken: boolean;
    try {
      taken = this.#hub.admission.takeOverGhost(
        { nick, resume },
        String(remoteAddr),
        typeof identity === "string" ? identity : undefined,
      );
    } catch (error) {
      if (!(error instanceof ChatError)) throw error;
      return "refused";
    }
    if (!taken) return "refused";
    const { registry } = this.#node;
    await this.#serial(nameKey(nick), () => registry.release(nick));
    const alike = lookAlikeKey(nick);
    if (!this.#hub.findLike(nick)) await this.#serial(alike, () => registry.release(alike));
    return "ok";
  }

  /**
   * Frees a nick cluster-wide unless a local session still holds it.
   *
   * @param nick The nick.
   */
  release(nick: string): void {
    const { registry } = this.#node;
    const failed = (error: unknown) =>
      log.warn("cluster nick release of {nick} failed (retried): {error}", { nick, error });
    const alike = lookAlikeKey(nick);
    // Decided once the call that closed the session is over: a resume closes
    // the ghost and registers its successor under the same nick in one call.
    this.#serial(nameKey(nick), async () => {
      await afterCurrentTask();
      if (!this.#hub.find(nick)) await registry.release(nick);
    }).catch(failed);
    this.#serial(alike, async () => {
      await afterCurrentTask();
      if (!this.#hub.findLike(nick)) await registry.release(alike);
    }).catch(failed);
  }

  /**
   * Runs one registry operation on a key after the ones before it: a claim
   * never overlaps a release of the same key (the registry's release reads
   * the owner, then deletes; a claim in between that found the key already
   * this node's would be undone).
   */
  #serial<T>(key: string, op: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const result = previous.then(op);
    const settled = result.then(() => {}, () => {});
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return result;
  }

  /**
   * Disconnects a user connected to another node (an operator's `/kick`).
   *
   * @param nick The user's nick.
   * @param reason Why.
   * @param by Who kicked.
   */
  kickElsewhere(nick: string, reason: string, by: string): void {
    this.#sendTo(nick, "kick", { nick, reason, by });
  }

  /** Sends a request to the node holding `nick` (nothing when no other node holds it). */
  #sendTo(nick: string, what: "kick" | "invite", request: Record<string, string>): void {
    const owner = this.#node.registry.owner(nick);
    if (owner === undefined || owner.node === this.#node.link.nodeId) return;
    try {
      this.#node.link.connection.publish(
        `${this.#node.link.name}.${what}.${owner.node}`,
        encoder.encode(JSON.stringify(request)),
      );
    } catch (error) {
      throw new ChatError("unavailable", `Cannot reach the cluster: ${error}`);
    }
  }

  /**
   * Invites a user connected to another node to a room: that node invites
   * its session and tells them.
   *
   * @param nick The invitee.
   * @param room Room name including `#`.
   * @param by Who invites.
   * @throws {ChatError} `unavailable` when NATS cannot take it.
   */
  inviteElsewhere(nick: string, room: string, by: string): void {
    this.#sendTo(nick, "invite", { nick, room, by });
  }

  /** Whether a nick is held on another node (as the local mirror sees it). */
  heldElsewhere(nick: string): boolean {
    const claim = this.#node.registry.owner(nick);
    return claim !== undefined && claim.node !== this.#node.link.nodeId;
  }
}

/**
 * The registry key that makes look-alike nicks one nick: the skeleton, after
 * `@`, which no nick starts with.
 */
function lookAlikeKey(nick: string): string {
  return `@${nickSkeleton(nick)}`;
}

/** Resolves after the current task and its microtasks. */
function afterCurrentTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
