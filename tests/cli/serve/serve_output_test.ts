import { assertEqual, assertMatch } from "../../_helpers/assert.ts";
import { createServeOutput } from "../../../cli/serve/serve_output.ts";
import { VERSION } from "../../../protocol/version.ts";

function capture(json: boolean) {
  const lines: string[] = [];
  let clock = Date.UTC(2026, 0, 1);
  const output = createServeOutput(json, (line) => lines.push(line), () => clock);
  return { lines, output, tick: (ms: number) => (clock += ms) };
}

const ADDR: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 5003 };

Deno.test("createServeOutput(json) writes one JSON object per line for each event", () => {
  const { lines, output, tick } = capture(true);
  output.listening({
    name: "team",
    addr: ADDR,
    hints: ["  join with:     parley join 127.0.0.1:5003"],
    password: true,
  });
  output.presence({ kind: "join", nick: "ann", address: "127.0.0.1:1", online: 1 });
  output.presence({ kind: "join", nick: "bob", address: "127.0.0.1:2", online: 2 });
  output.presence({
    kind: "leave",
    nick: "ann",
    address: "127.0.0.1:1",
    reason: "quit",
    online: 1,
  });
  tick(1500);
  output.shutdown("SIGTERM");
  output.stopped();
  assertEqual(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n")), true);
  const events = lines.map((l) => JSON.parse(l));
  assertEqual(events[0], {
    event: "listening",
    ts: "2026-01-01T00:00:00.000Z",
    name: "team",
    version: VERSION,
    host: "127.0.0.1",
    port: 5003,
    address: "127.0.0.1:5003",
    join: ["parley join 127.0.0.1:5003"],
    password: true,
  });
  assertEqual(events[1], {
    event: "join",
    ts: "2026-01-01T00:00:00.000Z",
    nick: "ann",
    address: "127.0.0.1:1",
    online: 1,
  });
  assertEqual(events[3].event, "leave");
  assertEqual(events[3].reason, "quit");
  assertEqual(events[4], { event: "shutdown", ts: "2026-01-01T00:00:01.500Z", reason: "SIGTERM" });
  assertEqual(events[5], {
    event: "stopped",
    ts: "2026-01-01T00:00:01.500Z",
    joins: 2,
    leaves: 1,
    peak_online: 2,
    uptime_ms: 1500,
  });
});

Deno.test("createServeOutput(text) keeps the human lines and prints no presence", () => {
  const { lines, output } = capture(false);
  output.listening({
    name: "p",
    addr: { ...ADDR, hostname: "::1" },
    hints: ["  hint"],
    password: false,
  });
  output.presence({ kind: "join", nick: "ann", address: "x", online: 1 });
  output.tunnel("tcp://0.tcp.ngrok.io:1");
  output.shutdown("SIGINT");
  output.stopped();
  assertEqual(
    lines.join(""),
    [
      "parley listening on [::1]:5003",
      "  hint",
      "tunnel open through ngrok; share this line:",
      "  parley join tcp://0.tcp.ngrok.io:1",
      "parley stopped",
      "",
    ].join("\n"),
  );
});

Deno.test("createServeOutput(json) reports a shutdown even when none was signalled", () => {
  const { lines, output } = capture(true);
  output.stopped();
  assertEqual(lines.map((l) => JSON.parse(l).event), ["shutdown", "stopped"]);
  assertEqual(JSON.parse(lines[0]).reason, "stopped");
});

Deno.test("createServeOutput(text) on a terminal prints one line per join and leave, and LAN web URLs", () => {
  const lines: string[] = [];
  const output = createServeOutput(false, (line) => lines.push(line), () => 0, {
    joinCommand: "deno task join",
    presenceText: true,
  });
  output.listening({
    name: "p",
    addr: { ...ADDR, hostname: "::" },
    hints: ["  this machine:  deno task join 127.0.0.1:5003"],
    password: false,
    webUrl: "http://127.0.0.1:8080/",
    webLanUrls: ["http://192.168.1.20:8080/"],
  });
  output.presence({ kind: "join", nick: "ann", address: "10.0.0.2:4000", online: 1 });
  output.presence({
    kind: "leave",
    nick: "ann",
    address: "10.0.0.2:4000",
    reason: "quit",
    online: 0,
  });
  output.tunnel("tcp://0.tcp.ngrok.io:1");
  const text = lines.join("");
  assertMatch(
    text,
    /^parley web on http:\/\/127\.0\.0\.1:8080\/\n {2}web, network: +http:\/\/192\.168\.1\.20:8080\/$/m,
  );
  assertMatch(text, /^\[\d\d:\d\d\] --> ann joined from 10\.0\.0\.2:4000 \(1 online\)$/m);
  assertMatch(text, /^\[\d\d:\d\d\] <-- ann left \(quit; 0 online\)$/m);
  assertMatch(text, /^ {2}deno task join tcp:\/\/0\.tcp\.ngrok\.io:1$/m);
});

Deno.test("createServeOutput(json) reports the join commands and LAN web URLs", () => {
  const lines: string[] = [];
  const output = createServeOutput(true, (line) => lines.push(line), () => 0);
  output.listening({
    name: "p",
    addr: ADDR,
    hints: ["  this machine:  deno task join 127.0.0.1:5003"],
    password: false,
    webUrl: "http://127.0.0.1:8080/",
    webLanUrls: ["http://192.168.1.20:8080/"],
  });
  const event = JSON.parse(lines[0]);
  assertEqual(event.join, ["deno task join 127.0.0.1:5003"]);
  assertEqual(event.web_lan, ["http://192.168.1.20:8080/"]);
});

Deno.test("createServeOutput names the cluster and node in both forms when clustered", () => {
  const info = {
    name: "team",
    addr: ADDR,
    hints: [],
    password: false,
    cluster: { name: "prod", node: "n1" },
  };
  const json = capture(true);
  json.output.listening(info);
  const event = JSON.parse(json.lines[0]);
  assertEqual([event.cluster, event.node], ["prod", "n1"]);
  const text = capture(false);
  text.output.listening(info);
  assertEqual(text.lines, [
    "parley listening on 127.0.0.1:5003\n",
    "parley cluster prod node n1\n",
  ]);
});
