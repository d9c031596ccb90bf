/**
 * One node's connection to the NATS servers: connects within a bounded time
 * at start, then reconnects by itself for as long as the node runs and
 * reports every state change. The stream, the registry, presence and the
 * shared state all ride on one {@linkcode NatsLink}.
 *
 * @module
 */

import {
  AuthorizationError,
  connect,
  type ConnectionOptions,
  credsAuthenticator,
  type NatsConnection,
} from "npm:@nats-io/transport-node@3.4.0";
import { getLogger } from "../log.ts";
import { checkClusterName, type ClusterOptions } from "./cluster_options.ts";
import { ClusterUnavailableError } from "./cluster_unavailable_error.ts";

/**
 * Where the link stands: `connected` (requests and publishes go through),
 * `disconnected` (the server went away), `reconnecting` (trying the next
 * server), `closed` (after {@linkcode NatsLink.close}; final).
 */
export type LinkState = "connected" | "disconnected" | "reconnecting" | "closed";

/** Called on every state change, with the server involved when known. */
export type LinkStateListener = (state: LinkState, server: string | undefined) => void;

/** Pause between two connection attempts at start, in ms. */
const START_RETRY_MS = 200;
/** Pause between reconnection attempts while running, in ms. */
const RECONNECT_WAIT_MS = 250;
/** Client ping interval, in ms; two missed pongs mark a silent server as gone. */
const PING_INTERVAL_MS = 2_000;

const logger = getLogger(["parley", "cluster"]);

/**
 * A connection to NATS that reconnects by itself and reports its state.
 *
 * @example
 * ```ts ignore
 * import { NatsLink } from "./nats_link.ts";
 * const link = await NatsLink.connect({ servers: ["nats://127.0.0.1:4222"] });
 * link.onState((state) => console.log("cluster link", state));
 * await link.close();
 * ```
 */
export class NatsLink {
  /** The NATS connection, for the stream, KV and core subscriptions. */
  readonly connection: NatsConnection;
  /** Cluster name: subject prefix and bucket stem. */
  readonly name: string;
  /** This node's id. */
  readonly nodeId: string;
  /** JetStream replicas for streams and buckets this node creates. */
  readonly replicas: number;
  #state: LinkState = "connected";
  #since = Date.now();
  readonly #listeners = new Set<LinkStateListener>();
  #closing: Promise<void> | undefined;

  private constructor(connection: NatsConnection, name: string, nodeId: string, replicas: number) {
    this.connection = connection;
    this.name = name;
    this.nodeId = nodeId;
    this.replicas = replicas;
    void this.#watch();
  }

  /**
   * Connects to the first reachable server of `options.servers`, retrying
   * every 200 ms until `connectTimeoutMs`. Once connected the link never
   * gives up: it reconnects (every 250 ms, over all known servers) until
   * {@linkcode NatsLink.close}.
   *
   * @param options Servers, credentials, cluster name and node id.
   * @returns The connected link.
   * @throws {TypeError} When the cluster name, node id or replicas are invalid.
   * @throws {ClusterUnavailableError} When no server answered within
   *   `connectTimeoutMs` (default 5000 ms), or the credentials were refused.
   */
  static async connect(options: ClusterOptions): Promise<NatsLink> {
    const name = checkClusterName(options.name ?? "parley", "cluster name");
    const nodeId = checkClusterName(
      options.nodeId ?? crypto.randomUUID().slice(0, 8),
      "node id",
    );
    const replicas = options.replicas ?? 1;
    if (![1, 3, 5].includes(replicas)) {
      throw new TypeError(`Cannot use ${replicas} replicas: use 1, 3 or 5`);
    }
    if (options.servers.length === 0) throw new TypeError("Cannot connect to no NATS servers");
    const boundMs = options.connectTimeoutMs ?? 5_000;
    const base: ConnectionOptions = {
      servers: options.servers,
      name: `parley-${name}-${nodeId}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_WAIT_MS,
      reconnectJitter: 50,
      pingInterval: PING_INTERVAL_MS,
      maxPingOut: 2,
      // No stack captured per request (every JetStream publish is one): it cost
      // about 8% of a node's CPU in the bench; errors still say what failed.
      noAsyncTraces: true,
    };
    if (options.credsFile !== undefined) {
      base.authenticator = credsAuthenticator(await Deno.readFile(options.credsFile));
    } else if (options.user !== undefined) {
      base.user = options.user;
      base.pass = options.password ?? "";
    }
    if (options.tlsCa !== undefined) base.tls = { caFile: options.tlsCa };
    const deadline = Date.now() + boundMs;
    let last: unknown;
    for (let attempt = 1;; attempt++) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        const connection = await connect({ ...base, timeout: Math.max(50, Math.min(left, 2_000)) });
        logger.info("Connected to NATS {server} as node {nodeId} after {attempt} attempts", {
          server: connection.getServer(),
          nodeId,
          attempt,
        });
        return new NatsLink(connection, name, nodeId, replicas);
      } catch (error) {
        last = error;
        if (error instanceof AuthorizationError) break;
      }
      const pause = Math.min(START_RETRY_MS, deadline - Date.now());
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
    const why = last instanceof Error ? last.message : String(last);
    throw new ClusterUnavailableError(
      `Cannot reach NATS at ${options.servers.join(",")} within ${boundMs} ms: ${why}`,
      { cause: last },
    );
  }

  /** The current state. */
  get state(): LinkState {
    return this.#state;
  }

  /** When the current state began, ms since the epoch. */
  get since(): number {
    return this.#since;
  }

  /**
   * Adds a listener for state changes.
   *
   * @param listener Called on every change; exceptions are logged and dropped.
   * @returns A function that removes the listener.
   */
  onState(listener: LinkStateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Waits until the link is in `state`.
   *
   * @param state The state to wait for.
   * @param timeoutMs Longest wait, in ms.
   * @throws {Error} When the state was not reached within `timeoutMs`.
   */
  waitFor(state: LinkState, timeoutMs: number): Promise<void> {
    if (this.#state === state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`Cluster link stayed ${this.#state}, not ${state}, for ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onState((now) => {
        if (now !== state) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  /**
   * Drains and closes the connection. Safe to call more than once; every call
   * resolves when the connection is closed.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.connection.drain();
      } catch (error) {
        logger.debug("NATS drain failed, closing: {error}", { error });
        await this.connection.close();
      }
      await this.connection.closed();
    })();
    return this.#closing;
  }

  async #watch(): Promise<void> {
    void this.connection.closed().then(() => this.#set("closed", undefined));
    for await (const status of this.connection.status()) {
      switch (status.type) {
        case "disconnect":
          this.#set("disconnected", status.server);
          break;
        case "reconnecting":
          this.#set("reconnecting", undefined);
          break;
        case "reconnect":
          this.#set("connected", status.server);
          break;
        case "close":
          this.#set("closed", undefined);
          break;
        default:
          break;
      }
    }
  }

  #set(state: LinkState, server: string | undefined): void {
    if (this.#state === state || this.#state === "closed") return;
    this.#state = state;
    this.#since = Date.now();
    const fields = { state, server: server ?? "-" };
    if (state === "connected") logger.info("Cluster link {state} ({server})", fields);
    else logger.warn("Cluster link {state} ({server})", fields);
    for (const listener of [...this.#listeners]) {
      try {
        listener(state, server);
      } catch (error) {
        logger.error("Cluster link listener failed: {error}", { error });
      }
    }
  }
}
