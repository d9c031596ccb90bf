import { assertEqual } from "../_helpers/assert.ts";
import { RawClient } from "../_helpers/raw_client.ts";
import { JOIN_PERMISSIONS, MAIN, startServe } from "../_helpers/serve_process.ts";

Deno.test("parley join with a comma-separated list skips an address that does not answer", async () => {
  await using server = await startServe();
  await using watcher = await RawClient.join(server.port, "watcher");
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dead = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...JOIN_PERMISSIONS,
      MAIN,
      "join",
      `127.0.0.1:${dead},127.0.0.1:${server.port}`,
      "--nick",
      "bot",
    ],
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("hello from the second address\n"));
  await writer.close();
  const { code, stderr } = await child.output();
  assertEqual(code, 0, new TextDecoder().decode(stderr));
  await watcher.next((m) => m.type === "msg" && m.text === "hello from the second address");
});
