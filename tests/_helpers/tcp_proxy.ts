/**
 * A loopback TCP proxy that can cut its clients off while keeping their
 * server-side sockets open: from the server's point of view the clients are
 * still there (ghosts), as after a network drop it has not noticed yet.
 *
 * @module
 */

interface Pair {
  client: Deno.Conn;
  upstream: Deno.Conn;
  cut: boolean;
}

/** A proxy from `127.0.0.1:port` to `127.0.0.1:upstreamPort`. */
export class TcpProxy implements AsyncDisposable {
  /** The port clients connect to. */
  readonly port: number;
  readonly #listener: Deno.TcpListener;
  readonly #upstreamPort: number;
  readonly #pairs = new Set<Pair>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;

  /** @param upstreamPort The server's port on 127.0.0.1. */
  constructor(upstreamPort: number) {
    this.#upstreamPort = upstreamPort;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = this.#listener.addr.port;
    this.#accepting = this.#accept();
  }

  /** Number of connections accepted so far. */
  accepted = 0;

  /**
   * Closes the client side of every current connection and stops relaying,
   * but leaves the server side open and silent: each becomes a ghost.
   */
  cutClients(): void {
    for (const pair of this.#pairs) {
      if (pair.cut) continue;
      pair.cut = true;
      close(pair.client);
    }
  }

  async #accept(): Promise<void> {
    try {
      for await (const client of this.#listener) {
        this.accepted++;
        const upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#upstreamPort });
        const pair: Pair = { client, upstream, cut: false };
        this.#pairs.add(pair);
        this.#track(relay(client, upstream, pair));
        this.#track(relay(upstream, client, pair));
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }

  #track(task: Promise<void>): void {
    this.#tasks.add(task);
    task.finally(() => this.#tasks.delete(task));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    close(this.#listener);
    await this.#accepting;
    for (const pair of this.#pairs) {
      close(pair.client);
      close(pair.upstream);
    }
    await Promise.all(this.#tasks);
  }
}

/** Copies `from` to `to` until either ends or the pair is cut; closes nothing on a cut. */
async function relay(from: Deno.Conn, to: Deno.Conn, pair: Pair): Promise<void> {
  const buffer = new Uint8Array(16 * 1024);
  try {
    while (!pair.cut) {
      const n = await from.read(buffer);
      if (n === null || pair.cut) break;
      let at = 0;
      while (at < n) at += await to.write(buffer.subarray(at, n));
    }
  } catch (error) {
    if (
      !(error instanceof Deno.errors.BadResource || error instanceof Deno.errors.ConnectionReset ||
        error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.Interrupted)
    ) throw error;
  }
  if (!pair.cut) {
    // A real end (not a cut): pass it on.
    close(pair.client);
    close(pair.upstream);
  }
}

function close(closer: { close(): void }): void {
  try {
    closer.close();
  } catch (error) {
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}
