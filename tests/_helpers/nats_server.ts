/**
 * Real `nats-server` processes for the cluster tests: one server with
 * JetStream, or a three-server JetStream cluster on loopback. Each test
 * starts its own on free ports with its own store directory and stops them
 * by their process handles.
 *
 * @module
 */

import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { jetstreamManager, StorageType } from "npm:@nats-io/jetstream@3.4.0";

/** Whether `nats-server` can be run here; tests that need it print why they skip. */
export const natsServerAvailable: boolean = (() => {
  try {
    return new Deno.Command("nats-server", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
})();

/** One running (or stopped) server. */
export interface NatsServer extends AsyncDisposable {
  /** Client port on 127.0.0.1. */
  port: number;
  /** `nats://127.0.0.1:<port>`. */
  url: string;
  /** JetStream store directory. */
  storeDir: string;
  /** Whether the process is running. */
  readonly running: boolean;
  /** Stops the process (default SIGTERM) and waits for its exit; no-op when stopped. */
  stop(signal?: Deno.Signal): Promise<void>;
  /** Starts the process again with the same ports and store, and waits until it accepts clients. */
  restart(): Promise<void>;
  /** The server's log so far (for failure messages). */
  log(): Promise<string>;
}

/** A three-server cluster. */
export interface NatsCluster extends AsyncDisposable {
  /** The servers. */
  servers: NatsServer[];
  /** Their client URLs. */
  urls: string[];
  /** Stops every server. */
  stop(): Promise<void>;
}

/**
 * A TCP port that was free a moment ago on 127.0.0.1.
 *
 * @returns The port.
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * Starts one server with JetStream and waits until it accepts clients.
 *
 * @param options `storeDir` (default: a new temporary directory), `port`
 *   (default: a free one), and for clusters `name`, `clusterPort` and `routes`.
 * @returns The server.
 * @throws {Error} When it does not accept clients within 10 s.
 */
export async function startNatsServer(
  options: {
    storeDir?: string;
    port?: number;
    name?: string;
    clusterPort?: number;
    routes?: number[];
  } = {},
): Promise<NatsServer> {
  const storeDir = options.storeDir ?? await Deno.makeTempDir({ prefix: "parley_nats_" });
  const port = options.port ?? freePort();
  const name = options.name ?? `n${port}`;
  const logFile = `${storeDir}/nats-${name}.log`;
  const args = [
    "-a",
    "127.0.0.1",
    "-p",
    String(port),
    "-js",
    "-sd",
    storeDir,
    "-n",
    name,
    "-l",
    logFile,
  ];
  if (options.clusterPort !== undefined) {
    args.push(
      "--cluster_name",
      "parley_test",
      "--cluster",
      `nats://127.0.0.1:${options.clusterPort}`,
      "--routes",
      (options.routes ?? []).map((p) => `nats://127.0.0.1:${p}`).join(","),
    );
  }
  let child: Deno.ChildProcess | undefined;
  const spawn = async () => {
    child = new Deno.Command("nats-server", { args, stdout: "null", stderr: "null", stdin: "null" })
      .spawn();
    await waitForPort(port, 10_000, () => child === undefined);
  };
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    const running = child;
    if (running === undefined) return;
    child = undefined;
    try {
      running.kill(signal);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // already exited
    }
    await running.status;
  };
  await spawn();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    storeDir,
    get running() {
      return child !== undefined;
    },
    stop,
    restart: spawn,
    log: () => Deno.readTextFile(logFile).catch(() => ""),
    [Symbol.asyncDispose]: async () => {
      await stop();
      if (options.storeDir === undefined) await Deno.remove(storeDir, { recursive: true });
    },
  };
}

/**
 * Starts three servers routed to each other as one JetStream cluster and
 * waits until JetStream answers (a meta leader was elected).
 *
 * @returns The cluster.
 * @throws {Error} When JetStream is not ready within 15 s.
 */
export async function startNatsCluster(): Promise<NatsCluster> {
  const root = await Deno.makeTempDir({ prefix: "parley_natsc_" });
  const clusterPorts = [freePort(), freePort(), freePort()];
  const servers: NatsServer[] = [];
  const stopAll = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    for (let i = 0; i < 3; i++) {
      const storeDir = `${root}/s${i}`;
      await Deno.mkdir(storeDir);
      servers.push(
        await startNatsServer({
          storeDir,
          name: `s${i}`,
          clusterPort: clusterPorts[i],
          routes: clusterPorts.filter((_, j) => j !== i),
        }),
      );
    }
    await waitForJetStream(servers.map((server) => server.url), 15_000, 3);
  } catch (error) {
    await stopAll();
    await Deno.remove(root, { recursive: true });
    throw error;
  }
  return {
    servers,
    urls: servers.map((server) => server.url),
    stop: stopAll,
    [Symbol.asyncDispose]: async () => {
      await stopAll();
      await Deno.remove(root, { recursive: true });
    },
  };
}

/**
 * Waits until JetStream can place a stream with `replicas` replicas (a meta
 * leader was elected and enough servers joined it), by creating and deleting
 * a probe stream.
 *
 * @param servers Client URLs.
 * @param timeoutMs Longest wait, in ms.
 * @param replicas Replicas the probe stream needs.
 * @throws {Error} On timeout, with the last error.
 */
export async function waitForJetStream(
  servers: string[],
  timeoutMs: number,
  replicas = 1,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const nc = await connect({ servers, timeout: 2_000 });
  let last: unknown;
  try {
    while (Date.now() < deadline) {
      try {
        const jsm = await jetstreamManager(nc, { timeout: 1_000 });
        await jsm.streams.add({
          name: "readiness_probe",
          subjects: ["readiness.probe"],
          num_replicas: replicas,
          storage: StorageType.Memory,
        });
        await jsm.streams.delete("readiness_probe");
        return;
      } catch (error) {
        last = error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await nc.close();
  }
  throw new Error(`JetStream was not ready within ${timeoutMs} ms`, { cause: last });
}

async function waitForPort(port: number, timeoutMs: number, gone: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const buffer = new Uint8Array(8);
      const n = await conn.read(buffer);
      conn.close();
      if (n !== null && new TextDecoder().decode(buffer.subarray(0, n)).startsWith("INFO")) return;
    } catch (error) {
      if (!(error instanceof Deno.errors.ConnectionRefused)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server did not accept clients on port ${port} within ${timeoutMs} ms`);
}
