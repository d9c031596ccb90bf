/**
 * A stand-in for the `ngrok` executable, for tests: `ngrok tcp PORT --log stdout`
 * serves the agent API (`GET /api/tunnels`) on the loopback address in
 * `PARLEY_NGROK_API` and stays up until SIGTERM. `FAKE_NGROK_MODE` picks the
 * behaviour: `ok` (a TCP tunnel to PORT), `noauth` (exits 1 with ngrok's
 * authtoken error, as the real one does when not logged in), `empty` (the API
 * answers but lists no tunnel). It appends its arguments and "stopped" to the
 * file `FAKE_NGROK_RECORD`.
 *
 * Run it through {@linkcode installFakeNgrok}.
 *
 * @module
 */

const mode = Deno.env.get("FAKE_NGROK_MODE") ?? "ok";
const record = Deno.env.get("FAKE_NGROK_RECORD")!;
const api = new URL(Deno.env.get("PARLEY_NGROK_API")!);
Deno.writeTextFileSync(record, `args ${Deno.args.join(" ")}\n`, { append: true });

if (mode === "noauth") {
  console.log(
    't=2026-01-01T00:00:00+0000 lvl=eror msg="failed to reconnect session" err="authentication failed: Usage of ngrok requires a verified account and authtoken."',
  );
  console.error(
    "ERROR:  authentication failed: Usage of ngrok requires a verified account and authtoken.\nERROR:  ERR_NGROK_4018",
  );
  Deno.exit(1);
}

const [proto, port] = Deno.args;
const tunnels = mode === "ok" && proto === "tcp"
  ? [{
    name: "command_line",
    uri: "/api/tunnels/command_line",
    public_url: "tcp://7.tcp.eu.ngrok.io:17345",
    proto: "tcp",
    config: { addr: `localhost:${port}`, inspect: false },
    metrics: {},
  }]
  : [];
const server = Deno.serve(
  { hostname: api.hostname, port: Number(api.port), onListen() {} },
  (request) =>
    new URL(request.url).pathname === "/api/tunnels"
      ? Response.json({ tunnels, uri: "/api/tunnels" })
      : new Response("not found", { status: 404 }),
);
Deno.addSignalListener("SIGTERM", () => {
  Deno.writeTextFileSync(record, "stopped\n", { append: true });
  server.shutdown().then(() => Deno.exit(0));
});
