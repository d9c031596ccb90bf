/**
 * Small state every node must agree on — room topics, bans, mutes,
 * registered nicks, and who owns and may enter each room — in a
 * JetStream KV bucket `<name>_state`, mirrored in memory on every node by a
 * KV watch, so reads are synchronous and every change reaches every node.
 *
 * Keys (`<token>` = {@linkcode subjectToken}`(…)`):
 * - `topic.<token of the room key>`: a {@linkcode SharedTopic};
 * - `ban.nick.<token of the nick key>` and `ban.address.<token of the host>`: a {@linkcode SharedBan};
 * - `mute.<token of the nick key>`: a {@linkcode SharedMute};
 * - `reg.<token of the nick's skeleton>`: a {@linkcode SharedRegistration};
 * - `owner.<token of the room key>`: a {@linkcode SharedRoomOwner} (while the room exists);
 * - `private.<token of the room key>`: a {@linkcode SharedPrivateRoom} (while it is invite-only);
 * - `invite.<token of the room key>.<token of the party>`: a {@linkcode SharedInvite}.
 *
 * Expired bans and mutes stay in the bucket until removed; readers compare
 * `until` with their clock.
 *
 * @module
 */

import { type KV, Kvm, KvWatchInclude } from "npm:@nats-io/kv@3.4.0";
import { nameKey } from "../../protocol/names.ts";
import { getLogger } from "../log.ts";
import type { NatsLink } from "./nats_link.ts";
import type {
  SharedBan,
  SharedInvite,
  SharedMute,
  SharedPrivateRoom,
  SharedRegistration,
  SharedRoomOwner,
  SharedStateChange,
  SharedStateListener,
  SharedTopic,
} from "./shared_records.ts";
import { subjectToken } from "./subject_token.ts";

const logger = getLogger(["parley", "cluster"]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Topics, bans and mutes shared by every node.
 *
 * @example
 * ```ts ignore
 * import { SharedState } from "./shared_state.ts";
 * const state = await SharedState.open(link);
 * state.onChange((change) => console.log(change.kind, change.key));
 * await state.setTopic({ room: "#lobby", topic: "hi", by: "alice", ts: Date.now() });
 * ```
 */
export class SharedState {
  readonly #kv: KV;
  readonly #topics = new Map<string, SharedTopic>();
  readonly #bans = new Map<string, SharedBan>();
  readonly #mutes = new Map<string, SharedMute>();
  readonly #registrations = new Map<string, SharedRegistration>();
  readonly #owners = new Map<string, SharedRoomOwner>();
  readonly #private = new Map<string, SharedPrivateRoom>();
  readonly #invites = new Map<string, SharedInvite>();
  readonly #listeners = new Set<SharedStateListener>();
  /** Each kind's key prefix and its mirror. */
  readonly #kinds: {
    prefix: string;
    kind: SharedStateChange["kind"];
    map: Map<string, unknown>;
  }[] = [
    { prefix: "topic.", kind: "topic", map: this.#topics },
    { prefix: "ban.", kind: "ban", map: this.#bans },
    { prefix: "mute.", kind: "mute", map: this.#mutes },
    { prefix: "reg.", kind: "registration", map: this.#registrations },
    { prefix: "owner.", kind: "owner", map: this.#owners },
    { prefix: "private.", kind: "private", map: this.#private },
    { prefix: "invite.", kind: "invite", map: this.#invites },
  ];
  #stop: (() => void) | undefined;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /**
   * Opens (or creates) the bucket and loads every entry into memory before
   * resolving; changes after that arrive through the watch.
   *
   * @param link A connected link.
   * @returns The state.
   * @throws {Error} When JetStream refuses or does not answer.
   */
  static async open(link: NatsLink): Promise<SharedState> {
    const kv = await new Kvm(link.connection).create(`${link.name}_state`, {
      history: 1,
      replicas: link.replicas,
    });
    const state = new SharedState(kv);
    const status = await kv.status();
    const watch = await kv.watch({ include: KvWatchInclude.LastValue });
    state.#stop = () => watch.stop();
    // The watch replays current values first; the last of them is the first
    // entry marked `isUpdate` (and has nothing pending after it).
    let loaded!: () => void;
    const ready = new Promise<void>((resolve) => loaded = resolve);
    if (status.values === 0) loaded();
    void (async () => {
      for await (const entry of watch) {
        state.#apply(entry.key, entry.operation === "PUT" ? entry.value : undefined);
        if (entry.isUpdate || entry.delta === 0) loaded();
      }
      loaded();
    })();
    await ready;
    return state;
  }

  /**
   * Sets a room's topic on every node.
   *
   * @param topic The topic; an empty `topic` is stored too (a cleared topic).
   * @throws {Error} When NATS does not answer.
   */
  async setTopic(topic: SharedTopic): Promise<void> {
    await this.#kv.put(topicKey(topic.room), encoder.encode(JSON.stringify(topic)));
  }

  /**
   * The topic of a room as last seen.
   *
   * @param room Room name (any case).
   * @returns The topic, or `undefined` when none was ever set.
   */
  topic(room: string): SharedTopic | undefined {
    return this.#topics.get(topicKey(room));
  }

  /**
   * Bans a nick or an address on every node.
   *
   * @param ban The ban; `value` is a nick key or a host.
   * @throws {Error} When NATS does not answer.
   */
  async addBan(ban: SharedBan): Promise<void> {
    await this.#kv.put(banKey(ban.kind, ban.value), encoder.encode(JSON.stringify(ban)));
  }

  /**
   * Lifts a ban.
   *
   * @param kind `nick` or `address`.
   * @param value The nick key or host.
   * @throws {Error} When NATS does not answer.
   */
  async removeBan(kind: SharedBan["kind"], value: string): Promise<void> {
    await this.#kv.delete(banKey(kind, value));
  }

  /**
   * Every ban as last seen (expired ones included).
   *
   * @returns The bans, unordered.
   */
  bans(): SharedBan[] {
    return [...this.#bans.values()];
  }

  /**
   * The ban of a nick or address as last seen (expired or not).
   *
   * @param kind `nick` or `address`.
   * @param value The nick (any case) or host.
   * @returns The ban, or `undefined`.
   */
  ban(kind: SharedBan["kind"], value: string): SharedBan | undefined {
    return this.#bans.get(banKey(kind, value));
  }

  /**
   * Every topic as last seen.
   *
   * @returns The topics, unordered.
   */
  topics(): SharedTopic[] {
    return [...this.#topics.values()];
  }

  /**
   * Mutes a nick on every node.
   *
   * @param mute The mute.
   * @throws {Error} When NATS does not answer.
   */
  async addMute(mute: SharedMute): Promise<void> {
    await this.#kv.put(muteKey(mute.nick), encoder.encode(JSON.stringify(mute)));
  }

  /**
   * Lifts a mute.
   *
   * @param nick The nick (any case).
   * @throws {Error} When NATS does not answer.
   */
  async removeMute(nick: string): Promise<void> {
    await this.#kv.delete(muteKey(nick));
  }

  /**
   * The mute of a nick as last seen.
   *
   * @param nick The nick (any case).
   * @returns The mute, or `undefined`.
   */
  mute(nick: string): SharedMute | undefined {
    return this.#mutes.get(muteKey(nick));
  }

  /**
   * Registers a nick to an identity on every node.
   *
   * @param registration The registration.
   * @throws {Error} When NATS does not answer.
   */
  async addRegistration(registration: SharedRegistration): Promise<void> {
    await this.#kv.put(
      registrationKey(registration.skeleton),
      encoder.encode(JSON.stringify(registration)),
    );
  }

  /**
   * Lifts a registration.
   *
   * @param skeleton The nick's skeleton.
   * @throws {Error} When NATS does not answer.
   */
  async removeRegistration(skeleton: string): Promise<void> {
    await this.#kv.delete(registrationKey(skeleton));
  }

  /**
   * Every registration as last seen.
   *
   * @returns The registrations, unordered.
   */
  registrations(): SharedRegistration[] {
    return [...this.#registrations.values()];
  }

  /**
   * Records (or, with `undefined`, clears) the owner of a room.
   *
   * @param room Room name including `#`.
   * @param owner The owner, or `undefined` when the room is gone everywhere.
   * @throws {Error} When NATS does not answer.
   */
  async setOwner(room: string, owner: SharedRoomOwner | undefined): Promise<void> {
    if (owner === undefined) await this.#kv.delete(ownerKey(room));
    else await this.#kv.put(ownerKey(room), encoder.encode(JSON.stringify(owner)));
  }

  /**
   * The owner of a room as last seen.
   *
   * @param room Room name (any case).
   */
  owner(room: string): SharedRoomOwner | undefined {
    return this.#owners.get(ownerKey(room));
  }

  /**
   * Makes a room invite-only (`record`) or public again (`undefined`, which
   * also lifts its invitations).
   *
   * @param room Room name including `#`.
   * @param record The private room's record, or `undefined`.
   * @throws {Error} When NATS does not answer.
   */
  async setPrivate(room: string, record: SharedPrivateRoom | undefined): Promise<void> {
    if (record !== undefined) {
      await this.#kv.put(privateKey(room), encoder.encode(JSON.stringify(record)));
      return;
    }
    await this.#kv.delete(privateKey(room));
    const prefix = `${inviteKeyPrefix(room)}`;
    await Promise.all(
      [...this.#invites.keys()].filter((key) => key.startsWith(prefix)).map((key) =>
        this.#kv.delete(key)
      ),
    );
  }

  /**
   * Every invite-only room as last seen.
   *
   * @returns The records, unordered.
   */
  privateRooms(): SharedPrivateRoom[] {
    return [...this.#private.values()];
  }

  /**
   * Invites a party to a room on every node.
   *
   * @param invite The invitation.
   * @throws {Error} When NATS does not answer.
   */
  async addInvite(invite: SharedInvite): Promise<void> {
    await this.#kv.put(
      inviteKey(invite.room, invite.party),
      encoder.encode(JSON.stringify(invite)),
    );
  }

  /**
   * Lifts every invitation of a party (a guest whose session ended).
   *
   * @param party The party.
   * @throws {Error} When NATS does not answer.
   */
  async removeInvites(party: string): Promise<void> {
    await Promise.all(
      [...this.#invites].filter(([, invite]) => invite.party === party).map(([key]) =>
        this.#kv.delete(key)
      ),
    );
  }

  /**
   * Every invitation as last seen.
   *
   * @returns The invitations, unordered.
   */
  invites(): SharedInvite[] {
    return [...this.#invites.values()];
  }

  /**
   * The current entries of some kinds, as changes (for a node applying the
   * state it found at start).
   *
   * @param kinds Which kinds.
   * @returns One change per entry, unordered.
   */
  entries(kinds: readonly SharedStateChange["kind"][]): SharedStateChange[] {
    const out: SharedStateChange[] = [];
    for (const { kind, map } of this.#kinds) {
      if (!kinds.includes(kind)) continue;
      for (const [key, value] of map) out.push({ kind, key, value } as SharedStateChange);
    }
    return out;
  }

  /**
   * Adds a listener for changes made by any node (this one included).
   *
   * @param listener Called per change after the mirror was updated;
   *   exceptions are logged and dropped.
   * @returns A function that removes the listener.
   */
  onChange(listener: SharedStateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops the watch; the mirror keeps its last values. */
  close(): void {
    this.#stop?.();
  }

  #apply(key: string, raw: Uint8Array | undefined): void {
    let value: unknown;
    try {
      value = raw === undefined ? undefined : JSON.parse(decoder.decode(raw));
    } catch (error) {
      logger.warn("Ignored malformed shared state {key}: {error}", { key, error });
      return;
    }
    const kind = this.#kinds.find((entry) => key.startsWith(entry.prefix));
    if (kind === undefined) return;
    const previous = kind.map.get(key);
    setOrDelete(kind.map, key, value);
    const change = { kind: kind.kind, key, value, previous } as SharedStateChange;
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (error) {
        logger.error("Shared state listener failed: {error}", { error });
      }
    }
  }
}

function setOrDelete<T>(map: Map<string, T>, key: string, value: T | undefined): void {
  if (value === undefined) map.delete(key);
  else map.set(key, value);
}

function topicKey(room: string): string {
  return `topic.${subjectToken(nameKey(room))}`;
}

function banKey(kind: SharedBan["kind"], value: string): string {
  return `ban.${kind}.${subjectToken(kind === "nick" ? nameKey(value) : value)}`;
}

function muteKey(nick: string): string {
  return `mute.${subjectToken(nameKey(nick))}`;
}

function registrationKey(skeleton: string): string {
  return `reg.${subjectToken(skeleton)}`;
}

function ownerKey(room: string): string {
  return `owner.${subjectToken(nameKey(room))}`;
}

function privateKey(room: string): string {
  return `private.${subjectToken(nameKey(room))}`;
}

function inviteKeyPrefix(room: string): string {
  return `invite.${subjectToken(nameKey(room))}.`;
}

function inviteKey(room: string, party: string): string {
  return `${inviteKeyPrefix(room)}${subjectToken(party)}`;
}
