/**
 * The servers under test: `parley serve` and InspIRCd, each started as a
 * child process on loopback with a port chosen by the OS, with its RSS and CPU
 * time readable from `/proc`.
 *
 * @module
 */

import { readLines } from "../client/read_lines.ts";
import type { BenchProtocol } from "./worker_command.ts";

/** A running server under test. */
export interface BenchServer extends AsyncDisposable {
  /** `"Parley"`, `"Parley (ref)"` or `"InspIRCd"`. */
  name: string;
  protocol: BenchProtocol;
  host: string;
  port: number;
  pid: number;
  /** Resident set size, bytes (from `/proc/PID/status` VmRSS). */
  rssBytes(): Promise<number>;
  /**
   * Ports of every node when the server is a cluster of processes (`port` is
   * the first); clients are spread over them.
   */
  ports?: number[];
  /** User + system CPU time so far, ms (from `/proc/PID/stat`); a cluster's nodes summed. */
  cpuMs(): Promise<number>;
  /** CPU time of the message bus (nats-server) so far, ms; clusters only. */
  busCpuMs?(): Promise<number>;
  /** Stops the process and waits for it. */
  stop(): Promise<void>;
}

/** Where the InspIRCd binary lives on Debian. */
export const INSPIRCD_PATH = "/usr/sbin/inspircd";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Reads VmRSS of `pid`, in bytes. */
export async function rssOf(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = status.match(/^VmRSS:\s+(\d+) kB/m);
  if (!match) throw new Error(`Cannot read RSS: no VmRSS line for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Reads utime + stime of `pid`, in ms (assumes the usual 100 ticks per second). */
export async function cpuOf(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields after the command name start at field 3 (state); utime is 14, stime 15.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPUs the servers are pinned to (`--pin`); `undefined`: not pinned. */
let serverCpus: string | undefined;

/**
 * Pins every thread of a process to `cpus` with `taskset -a -p` (Linux,
 * util-linux); threads it starts later inherit the mask.
 *
 * @param pid The process.
 * @param cpus A `taskset` CPU list, e.g. `"1"` or `"0-2"`.
 * @throws {Error} When `taskset` fails.
 */
export async function pinProcess(pid: number, cpus: string): Promise<void> {
  const out = await new Deno.Command("taskset", {
    args: ["-a", "-p", "-c", cpus, String(pid)],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `taskset -a -p -c ${cpus} ${pid} failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

/**
 * From now on every server started is pinned to `cpus` (see {@linkcode pinProcess}).
 *
 * @param cpus A `taskset` CPU list.
 */
export function pinServersTo(cpus: string): void {
  serverCpus = cpus;
}

function wrap(
  name: string,
  protocol: BenchProtocol,
  port: number,
  child: Deno.ChildProcess,
  cleanup: () => Promise<void>,
): BenchServer {
  if (serverCpus !== undefined) void pinProcess(child.pid, serverCpus).catch(console.error);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already exited */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already exited */ }
      }, 5000);
      await child.status;
      clearTimeout(timer);
      await cleanup();
    })();
  return {
    name,
    protocol,
    host: "127.0.0.1",
    port,
    pid: child.pid,
    rssBytes: () => rssOf(child.pid),
    cpuMs: () => cpuOf(child.pid),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Options for {@linkcode startParley}. */
export interface StartParleyOptions {
  /** Extra `serve` arguments. */
  args?: string[];
  /** Directory for a `--cpu-prof` profile of the server; none when absent. */
  profileDir?: string;
  /**
   * Checkout of Parley to run (its `main.ts serve`).
   * @default this checkout
   */
  checkout?: string;
  /**
   * Name in the results.
   * @default "Parley"
   */
  name?: string;
  /** Deno flags before the permissions (e.g. `--unstable-net`). */
  denoFlags?: string[];
}

/**
 * Starts `main.ts serve` on 127.0.0.1, port 0, with limits raised for the bench
 * as they are for InspIRCd (`--max-clients 20000`, `--max-queue-bytes 67108864`,
 * `--handshake-timeout 120s`, flood control and the per-address cap off) and
 * `--data :memory:` unless `args` has `--data`.
 *
 * @throws {Error} If it does not print its listening line within 30 s.
 */
export async function startParley(options: StartParleyOptions = {}): Promise<BenchServer> {
  const dir = await Deno.makeTempDir({ prefix: "parley-bench-" });
  const profile = options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
  const main = options.checkout ? `${options.checkout}/main.ts` : MAIN;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...profile,
      ...options.denoFlags ?? [],
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      main,
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--log-file",
      `${dir}/chat.log`,
      "--max-clients",
      "20000",
      "--max-queue-bytes",
      "67108864",
      "--handshake-timeout",
      "120s",
      // Flood control off, as InspIRCd's commandrate/fakelag are: measure throughput, not throttling.
      "--flood-rate",
      "1000000000",
      "--flood-burst",
      "1000000000",
      "--flood-bytes",
      "1000000000000",
      "--flood-burst-bytes",
      "1000000000000",
      // One address holds every bench connection.
      "--max-per-address",
      "100000",
      // No persistence unless a scenario asks for it: InspIRCd keeps no history either.
      ...(options.args?.includes("--data") ? [] : ["--data", ":memory:"]),
      ...(options.args ?? []),
    ],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = readLines(child.stdout);
  const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
  let port = 0;
  // Not `for await`: breaking out of it would close stdout under the server.
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    const match = next.value.match(/^parley listening on .*:(\d+)/);
    if (match) {
      port = Number(match[1]);
      break;
    }
  }
  clearTimeout(deadline);
  // Keep draining stdout so the child never blocks on a full pipe.
  void (async () => {
    for await (const _ of lines) { /* discard */ }
  })();
  if (!port) {
    await child.status;
    throw new Error(`Cannot start ${main} serve: it exited before printing its address`);
  }
  return wrap(
    options.name ?? "Parley",
    "parley",
    port,
    child,
    () => Deno.remove(dir, { recursive: true }),
  );
}

/**
 * Whether `parley serve` on this build accepts `--data` (history persistence).
 */
export async function parleyHasDataOption(): Promise<boolean> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, "serve", "--help"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return /--data\b/.test(decoder.decode(result.stdout) + decoder.decode(result.stderr));
}

/** Whether InspIRCd is installed at {@linkcode INSPIRCD_PATH}. */
export async function inspircdInstalled(): Promise<boolean> {
  try {
    return (await Deno.stat(INSPIRCD_PATH)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The bench's InspIRCd configuration: loopback only, flood protection off
 * (`commandrate` at its maximum, `fakelag="no"`, a huge `threshold`), per-IP
 * and class limits far above the bench's client counts, no DNS or ident
 * lookups, 64 MiB send queues (as Parley gets `--max-queue-bytes 67108864`).
 *
 * @param port TCP port to listen on.
 * @param dir Directory for the pid file.
 * @returns The configuration text.
 */
export function inspircdConfig(port: number, dir: string): string {
  return `<server name="irc.bench" description="Parley bench peer" network="bench">
<admin name="bench" nick="bench" email="bench@localhost">
<bind address="127.0.0.1" port="${port}" type="clients">
<connect name="bench" allow="127.0.0.1" timeout="120" pingfreq="600"
         threshold="4000000000" commandrate="4000000000" fakelag="no"
         hardsendq="67108864" softsendq="67108864" recvq="1048576"
         localmax="100000" globalmax="100000" limit="100000" maxchans="20"
         resolvehostnames="no" useident="no" maxconnwarn="no">
<performance softlimit="30000" somaxconn="4096" netbuffersize="65536" clonesonconnect="no"
             quietbursts="yes">
<pid file="${dir}/inspircd.pid">
<channels users="20" opers="60">
<options syntaxhints="no" announcets="no">
<security maxtargets="20">
`;
}

/**
 * Starts InspIRCd with {@linkcode inspircdConfig} on a free loopback port and
 * waits until it accepts connections.
 *
 * @throws {Error} If it is not installed or does not start within 15 s.
 */
export async function startInspircd(): Promise<BenchServer> {
  const dir = await Deno.makeTempDir({ prefix: "inspircd-bench-" });
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const config = `${dir}/inspircd.conf`;
  await Deno.writeTextFile(config, inspircdConfig(port, dir));
  const child = new Deno.Command(INSPIRCD_PATH, {
    args: ["--nofork", "--runasroot", `--config=${config}`],
    cwd: dir,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const started = Date.now();
  while (Date.now() - started < 15_000) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return wrap("InspIRCd", "irc", port, child, async () => {
        await stderr;
        await Deno.remove(dir, { recursive: true });
      });
    } catch (error) {
      if (!(error instanceof Deno.errors.ConnectionRefused)) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    child.kill("SIGKILL");
  } catch { /* already exited */ }
  await child.status;
  throw new Error(`Cannot start InspIRCd: not listening after 15 s; stderr: ${await stderr}`);
}

/** Where the NATS server binary is looked up (Debian package `nats-server`). */
export const NATS_SERVER = "nats-server";

/** Whether `nats-server` can be run. */
export async function natsServerInstalled(): Promise<boolean> {
  try {
    const out = await new Deno.Command(NATS_SERVER, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Waits until something accepts TCP connections on `port`. */
async function waitForPort(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return true;
    } catch (error) {
      if (!(error instanceof Deno.errors.ConnectionRefused)) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}

/**
 * Starts `nodes` Parley servers as one cluster over a fresh `nats-server -js`
 * on a free loopback port (its own store directory), each node with the
 * limits of {@linkcode startParley}. The result's `cpuMs` sums the nodes,
 * `busCpuMs` is nats-server's, `ports` lists the nodes; stopping it stops the
 * nodes, then nats-server, each by its handle.
 *
 * @param nodes How many nodes.
 * @param options Extra `serve` arguments and the name in the results.
 * @throws {Error} If nats-server or a node does not start.
 */
export async function startParleyCluster(
  nodes: number,
  options: StartParleyOptions = {},
): Promise<BenchServer> {
  const dir = await Deno.makeTempDir({ prefix: "parley-bench-nats-" });
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const natsPort = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const nats = new Deno.Command(NATS_SERVER, {
    args: ["-a", "127.0.0.1", "-p", String(natsPort), "-js", "-sd", dir, "-l", `${dir}/nats.log`],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stopNats = async () => {
    try {
      nats.kill("SIGTERM");
    } catch { /* already exited */ }
    await nats.status;
    await Deno.remove(dir, { recursive: true });
  };
  if (serverCpus !== undefined) await pinProcess(nats.pid, serverCpus);
  if (!await waitForPort(natsPort, 10_000)) {
    await stopNats();
    throw new Error(`Cannot start nats-server on port ${natsPort} within 10 s`);
  }
  const name = options.name ?? `Parley cluster ×${nodes}`;
  const started: BenchServer[] = [];
  try {
    for (let i = 0; i < nodes; i++) {
      started.push(
        await startParley({
          ...options,
          name,
          args: [
            "--cluster",
            `nats://127.0.0.1:${natsPort}`,
            "--cluster-name",
            `bench${natsPort}`,
            "--cluster-node",
            `node${i + 1}`,
            ...(options.args ?? []),
          ],
        }),
      );
    }
  } catch (error) {
    for (const node of started) await node.stop();
    await stopNats();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      await Promise.all(started.map((node) => node.stop()));
      await stopNats();
    })();
  const sum = async (read: (node: BenchServer) => Promise<number>) =>
    (await Promise.all(started.map(read))).reduce((a, b) => a + b, 0);
  return {
    name,
    protocol: "parley",
    host: "127.0.0.1",
    port: started[0].port,
    ports: started.map((node) => node.port),
    pid: started[0].pid,
    rssBytes: () => sum((node) => node.rssBytes()),
    cpuMs: () => sum((node) => node.cpuMs()),
    busCpuMs: () => cpuOf(nats.pid),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
