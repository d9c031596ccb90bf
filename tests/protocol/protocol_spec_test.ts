/**
 * Holds `protocol/README.md` to the code, both ways: every message kind, field,
 * field type and optionality, error code, leave and bye code, limit default,
 * command and contents entry the document lists must exist in the code, and
 * everything the code defines must be in the document. The next discrepancy
 * fails here.
 *
 * Where the code's side comes from:
 * - message kinds: the parsers' tables (`CLIENT_MESSAGE_TYPES`,
 *   `SERVER_MESSAGE_TYPES`) and the `ClientMessage`/`ServerMessage` unions;
 * - fields and their types: the TypeScript interfaces of those unions, read
 *   with `deno doc --json`;
 * - whether a field is optional on the wire: the parser itself (a message
 *   without the field is refused or not), which is also checked to keep every
 *   field of the interface;
 * - codes: `ERROR_CODES`, `LEAVE_CODES`, `BYE_CODES`;
 * - limits: what a default server announces in `welcome.limits` and enforces
 *   (read from a running one), and the protocol's constants;
 * - commands: the `help` a default server sends.
 *
 * The document's shape this relies on: `## Messages` has `### Client to
 * server` and `### Server to client`, whose `####` headings name kinds in
 * backticks, each followed by a `| field | type | meaning |` table; `###
 * Objects` has `#### <Name> object` headings with the same tables; `## Errors`
 * has `### Error codes`, `### Leave codes` and `### Bye codes` tables whose
 * first column is the code; `## Limits` has a `| limit | default | ... |`
 * table; `### Commands` has a `| command | usage | ... |` table.
 */

import * as messages from "../../protocol/messages.ts";
import {
  BYE_CODES,
  CLIENT_MESSAGE_TYPES,
  encodeMessage,
  ERROR_CODES,
  LEAVE_CODES,
  parseClientMessage,
  parseServerMessage,
  SERVER_MESSAGE_TYPES,
} from "../../protocol/messages.ts";
import { HANDSHAKE_MAX_FRAME_BYTES } from "../../protocol/frame.ts";
import { MAX_SANCTION_MS } from "../../protocol/duration.ts";
import {
  CLIENT_FIELD_LIMITS,
  DEFAULT_FIELD_LIMIT_CONTEXT,
  type FieldLimitContext,
} from "../../protocol/field_limits.ts";
import {
  DEFAULT_MAX_ROOMS,
  DEFAULT_MAX_ROOMS_PER_USER,
  DEFAULT_ROOM_CREATES_PER_MINUTE,
} from "../../server/chat/room_directory.ts";
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, startServer } from "../../server/server.ts";
import { assert, assertEqual } from "../_helpers/assert.ts";
import {
  anchorLinks,
  codeSpans,
  plain,
  type Section,
  sections,
  type Table,
  tables,
} from "../_helpers/markdown.ts";
import { RawClient } from "../_helpers/raw_client.ts";

const README_URL = new URL("../../protocol/README.md", import.meta.url);
const README = await Deno.readTextFile(README_URL);
const SECTIONS = sections(README);

/** Interfaces that appear inside messages, and the name the document gives their tables. */
const OBJECTS: Record<string, string> = {
  UserInfo: "User",
  RoomInfo: "Room",
  ServerLimits: "Limits",
  CommandInfo: "Command",
  SearchHit: "Hit",
};

// ------------------------------------------------------------------ document

function section(title: string, within: readonly Section[] = SECTIONS): Section {
  const found = within.find((s) => s.title === title);
  assert(found, `protocol/README.md has no section "${title}"`);
  return found;
}

function subsections(parent: Section): Section[] {
  return sections(parent.lines.join("\n")).filter((s) => s.level === parent.level + 1);
}

function firstTable(s: Section, columns: string[]): Table {
  const table = tables(s.ownLines)[0];
  assert(table, `section "${s.title}" has no table`);
  assertEqual(
    table.header.slice(0, columns.length),
    columns,
    `columns of the table in "${s.title}"`,
  );
  return table;
}

/** A field as a table documents it. */
interface DocField {
  type: string;
  optional: boolean;
}

function docFields(s: Section): Map<string, DocField> {
  const fields = new Map<string, DocField>();
  for (const row of firstTable(s, ["field", "type"]).rows) {
    const names = codeSpans(row[0]);
    assert(names.length > 0, `a row of "${s.title}" names no field: ${row.join(" | ")}`);
    let type = plain(row[1]);
    const optional = type.endsWith("?");
    if (optional) type = type.slice(0, -1).trim();
    for (const name of names) {
      assert(!fields.has(name), `"${s.title}" lists field ${name} twice`);
      fields.set(name, { type, optional });
    }
  }
  return fields;
}

/** The kinds a direction's section documents, each with its field table. */
function docKinds(direction: string): Map<string, Map<string, DocField>> {
  const kinds = new Map<string, Map<string, DocField>>();
  for (const s of subsections(section(direction, subsections(section("Messages"))))) {
    const names = codeSpans(s.title.split(" — ")[0]);
    assert(names.length > 0, `heading "${s.title}" under "${direction}" names no message kind`);
    const fields = docFields(s);
    for (const name of names) {
      assert(!kinds.has(name), `"${direction}" documents ${name} twice`);
      // A table shared by several kinds gives `type` as `"ping" or "pong"`: each kind has its own.
      const own = new Map(fields);
      const type = fields.get("type");
      if (type && names.length > 1 && type.type.includes(JSON.stringify(name))) {
        own.set("type", { ...type, type: JSON.stringify(name) });
      }
      kinds.set(name, own);
    }
  }
  return kinds;
}

function docObjects(): Map<string, Map<string, DocField>> {
  const objects = new Map<string, Map<string, DocField>>();
  for (const s of subsections(section("Objects", subsections(section("Messages"))))) {
    const match = /^(.+) object$/.exec(s.title);
    assert(match, `heading "${s.title}" under Objects is not "<Name> object"`);
    objects.set(match[1], docFields(s));
  }
  return objects;
}

function codeColumn(title: string): string[] {
  const table = firstTable(section(title, subsections(section("Errors"))), ["code"]);
  return table.rows.map((row) => {
    const names = codeSpans(row[0]);
    assertEqual(names.length, 1, `a row of "${title}" must name one code: ${row[0]}`);
    return names[0];
  });
}

// ------------------------------------------------------------------ code

interface TsType {
  kind: string;
  // deno-lint-ignore no-explicit-any
  value?: any;
  repr?: string;
}

interface Property {
  name: string;
  optional?: boolean;
  tsType: TsType;
}

interface Symbol {
  name: string;
  kind: string;
  // deno-lint-ignore no-explicit-any
  def: any;
}

/** Every symbol `protocol/messages.ts` exports, from `deno doc --json`. */
async function exportedSymbols(): Promise<Map<string, Symbol>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", new URL("../../protocol/messages.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(output.success, new TextDecoder().decode(output.stderr));
  const json = JSON.parse(new TextDecoder().decode(output.stdout));
  const module = Object.values(json.nodes)[0] as {
    symbols: { name: string; declarations: { kind: string; def: unknown }[] }[];
  };
  const symbols = new Map<string, Symbol>();
  for (const s of module.symbols) {
    const declaration = s.declarations[0];
    symbols.set(s.name, { name: s.name, kind: declaration.kind, def: declaration.def });
  }
  return symbols;
}

const SYMBOLS = await exportedSymbols();

function symbol(name: string): Symbol {
  const found = SYMBOLS.get(name);
  assert(found, `protocol/messages.ts does not export ${name}`);
  return found;
}

function properties(interfaceName: string): Property[] {
  const s = symbol(interfaceName);
  assertEqual(s.kind, "interface", `${interfaceName} is not an interface`);
  const inherited = (s.def.extends as TsType[] ?? []).flatMap((t) =>
    properties(t.value.typeName as string)
  );
  return [...inherited, ...s.def.properties as Property[]];
}

/** A TypeScript type in the document's vocabulary. */
function docType(t: TsType): string {
  switch (t.kind) {
    case "keyword":
      if (t.value === "string") return "string";
      if (t.value === "number") return "uint";
      if (t.value === "boolean") return "bool";
      break;
    case "literal":
      if (t.value.kind === "string") return JSON.stringify(t.value.string);
      break;
    case "union": {
      const members = (t.value as TsType[]).map(docType);
      return members.join(" | ");
    }
    case "array":
      return `array of ${docType(t.value)}`;
    case "indexedAccess":
      // `typeof SOME_CODES[number]`: an open set of codes, a string on the wire.
      if (t.value.objType.kind === "typeQuery") return "string";
      break;
    case "typeRef": {
      const name = t.value.typeName as string;
      if (OBJECTS[name]) return OBJECTS[name];
      const s = symbol(name);
      if (s.kind === "typeAlias") return docType(s.def.tsType);
      assert(false, `interface ${name} is used in a message but has no entry in OBJECTS`);
    }
  }
  throw new Error(`Cannot describe type ${JSON.stringify(t)}`);
}

/** A value of type `t`, the first literal of a union: for building full messages. */
function sample(t: TsType): unknown {
  switch (t.kind) {
    case "keyword":
      return t.value === "string" ? "x" : t.value === "number" ? 1 : true;
    case "literal":
      return t.value.kind === "string" ? t.value.string : t.value.value;
    case "union":
      return sample(t.value[0]);
    case "array":
      return [sample(t.value)];
    case "indexedAccess": {
      // `typeof SOME_CODES[number]`: the first of the exported array.
      const list = (messages as Record<string, unknown>)[t.value.objType.value as string];
      return Array.isArray(list) ? list[0] : "x";
    }
    case "typeRef": {
      const s = symbol(t.value.typeName);
      if (s.kind === "typeAlias") return sample(s.def.tsType);
      return sampleObject(s.name);
    }
  }
  throw new Error(`Cannot build a value of type ${JSON.stringify(t)}`);
}

function sampleObject(interfaceName: string): Record<string, unknown> {
  return Object.fromEntries(properties(interfaceName).map((p) => [p.name, sample(p.tsType)]));
}

/** The interface of each kind of a union (`ClientMessage`, `ServerMessage`). */
function unionKinds(unionName: string): Map<string, string> {
  const alias = symbol(unionName);
  const kinds = new Map<string, string>();
  for (const member of alias.def.tsType.value as TsType[]) {
    const name = member.value.typeName as string;
    const type = properties(name).find((p) => p.name === "type");
    assert(type?.tsType.kind === "literal", `${name} has no literal type field`);
    kinds.set(type.tsType.value.string as string, name);
  }
  return kinds;
}

type Parse = (payload: Uint8Array) => unknown;

const encoder = new TextEncoder();
const encode = (value: unknown) => encoder.encode(JSON.stringify(value));

function refuses(parse: Parse, value: unknown): boolean {
  try {
    return parse(encode(value)) === null;
  } catch (error) {
    if (error instanceof TypeError || error instanceof SyntaxError) return true;
    throw error;
  }
}

/**
 * The wire shape of each kind, as the code defines it: the interface's fields
 * with their types, each optional when the parser accepts a message without it.
 */
function codeKinds(unionName: string, parse: Parse): Map<string, Map<string, DocField>> {
  const result = new Map<string, Map<string, DocField>>();
  for (const [kind, interfaceName] of unionKinds(unionName)) {
    const full = sampleObject(interfaceName);
    const fields = new Map<string, DocField>();
    for (const p of properties(interfaceName)) {
      const without = { ...full };
      delete without[p.name];
      fields.set(p.name, {
        type: docType(p.tsType),
        optional: p.name !== "type" && !refuses(parse, without),
      });
    }
    result.set(kind, fields);
  }
  return result;
}

/** The fields of each object type, optional when a message without the field is accepted. */
function codeObjects(): Map<string, Map<string, DocField>> {
  const result = new Map<string, Map<string, DocField>>();
  const hosts: [string, Parse][] = [["ServerMessage", parseServerMessage], [
    "ClientMessage",
    parseClientMessage,
  ]];
  for (const [interfaceName, docName] of Object.entries(OBJECTS)) {
    const fields = new Map<string, DocField>();
    // A message that carries the object, and where: the first field of that type.
    let host: { message: Record<string, unknown>; field: string; parse: Parse } | undefined;
    for (const [union, parse] of hosts) {
      for (const messageInterface of unionKinds(union).values()) {
        const field = properties(messageInterface).find((p) =>
          docType(p.tsType) === docName || docType(p.tsType) === `array of ${docName}`
        );
        if (field && !host) {
          host = { message: sampleObject(messageInterface), field: field.name, parse };
        }
      }
    }
    assert(host, `no message carries ${interfaceName}`);
    for (const p of properties(interfaceName)) {
      const message = structuredClone(host.message);
      const slot = message[host.field];
      const object = (Array.isArray(slot) ? slot[0] : slot) as Record<string, unknown>;
      delete object[p.name];
      fields.set(p.name, { type: docType(p.tsType), optional: !refuses(host.parse, message) });
    }
    result.set(docName, fields);
  }
  return result;
}

function compareFields(
  where: string,
  documented: Map<string, DocField>,
  defined: Map<string, DocField>,
): void {
  const missing = [...defined.keys()].filter((f) => !documented.has(f));
  const extra = [...documented.keys()].filter((f) => !defined.has(f));
  assertEqual(missing, [], `${where}: fields in the code but not in protocol/README.md`);
  assertEqual(extra, [], `${where}: fields in protocol/README.md but not in the code`);
  for (const [name, field] of defined) {
    assertEqual(documented.get(name), field, `${where}: field ${name} (type, optional)`);
  }
}

function sameSet(where: string, documented: readonly string[], defined: readonly string[]): void {
  const duplicates = documented.filter((x, i) => documented.indexOf(x) !== i);
  assertEqual(duplicates, [], `${where}: listed twice in protocol/README.md`);
  assertEqual(
    defined.filter((x) => !documented.includes(x)),
    [],
    `${where}: in the code but not in protocol/README.md`,
  );
  assertEqual(
    documented.filter((x) => !defined.includes(x)),
    [],
    `${where}: in protocol/README.md but not in the code`,
  );
}

// ------------------------------------------------------------------ tests

for (
  const [direction, union, parse, parserKinds] of [
    ["Client to server", "ClientMessage", parseClientMessage, CLIENT_MESSAGE_TYPES],
    ["Server to client", "ServerMessage", parseServerMessage, SERVER_MESSAGE_TYPES],
  ] as const
) {
  Deno.test(`protocol spec: "${direction}" documents exactly the kinds the parser knows`, () => {
    const documented = [...docKinds(direction).keys()];
    sameSet(`${direction} kinds (parser)`, documented, parserKinds);
    sameSet(`${direction} kinds (${union})`, documented, [...unionKinds(union).keys()]);
  });

  Deno.test(`protocol spec: "${direction}" documents every field, its type and whether it is optional`, () => {
    const documented = docKinds(direction);
    for (const [kind, fields] of codeKinds(union, parse)) {
      const doc = documented.get(kind);
      assert(doc, `${direction}: ${kind} is not documented`);
      compareFields(`${direction} ${kind}`, doc, fields);
    }
  });

  Deno.test(`protocol spec: the ${direction.toLowerCase()} parser keeps every field its types define`, () => {
    for (const [kind, interfaceName] of unionKinds(union)) {
      const full = sampleObject(interfaceName);
      assertEqual(parse(encode(full)), full, `${kind} loses a field on the way through the parser`);
    }
  });
}

Deno.test("protocol spec: every object inside a message has its documented table", () => {
  const documented = docObjects();
  const defined = codeObjects();
  sameSet("object tables", [...documented.keys()], [...defined.keys()]);
  for (const [name, fields] of defined) {
    compareFields(`${name} object`, documented.get(name)!, fields);
  }
});

Deno.test("protocol spec: the error, leave and bye code tables list exactly the code's codes", () => {
  sameSet("error codes", codeColumn("Error codes"), ERROR_CODES);
  sameSet("leave codes", codeColumn("Leave codes"), LEAVE_CODES);
  sameSet("bye codes", codeColumn("Bye codes"), BYE_CODES);
});

Deno.test("protocol spec: the handshake's answers are error codes, the first frame's included", () => {
  const table = firstTable(section("Sequence", subsections(section("Handshake"))), ["code"]);
  const codes = table.rows.map((row) => codeSpans(row[0])[0]);
  assertEqual(codes.filter((c) => !(ERROR_CODES as readonly string[]).includes(c)), []);
  // The refusals a client can read before it has sent anything.
  for (const code of ["too_many_connections", "server_full"]) assert(codes.includes(code), code);
});

/**
 * A limit as the String fields table writes it (`128`, `` `maxTextBytes` + 256 ``,
 * `` base64 of `maxMediaBytes` ``), in bytes for the given announced limits.
 */
function fieldLimitBytes(cell: string, context: FieldLimitContext): number {
  let text = plain(cell);
  for (const [name, value] of Object.entries(context)) text = text.replaceAll(name, String(value));
  const base64 = /^base64 of (.+)$/.exec(text);
  if (base64) return Math.ceil(fieldLimitBytes(base64[1], context) / 3) * 4;
  const terms = text.split("+").map((t) => Number(t.trim()));
  assert(terms.every(Number.isSafeInteger), `cannot read the limit "${cell}"`);
  return terms.reduce((a, b) => a + b, 0);
}

Deno.test("protocol spec: the String fields table is the code's table of client field limits", () => {
  const table = firstTable(section("String fields", subsections(section("Security"))), [
    "field",
    "limit (utf-8 bytes)",
    "cleaned",
    "over the limit",
  ]);
  const documented = new Map(table.rows.map((row) => [codeSpans(row[0])[0], row]));
  sameSet("string fields", [...documented.keys()], Object.keys(CLIENT_FIELD_LIMITS));
  // Two sets of announced limits, so that a limit that follows them is told from a constant.
  const contexts = [DEFAULT_FIELD_LIMIT_CONTEXT, { maxTextBytes: 100, maxMediaBytes: 3000 }];
  for (const [field, limit] of Object.entries(CLIENT_FIELD_LIMITS)) {
    const row = documented.get(field)!;
    for (const context of contexts) {
      const bytes = typeof limit.maxBytes === "number" ? limit.maxBytes : limit.maxBytes(context);
      assertEqual(fieldLimitBytes(row[1], context), bytes, `limit of ${field}`);
    }
    assertEqual(plain(row[2]), limit.sanitize, `cleaning of ${field}`);
    assertEqual(plain(row[3]), limit.tooLong ?? "bad_message", `code for ${field} over its limit`);
  }
  // Every string field of every client message has a row: the parser refuses one without.
  for (const [kind, interfaceName] of unionKinds("ClientMessage")) {
    for (const p of properties(interfaceName)) {
      if (p.name !== "type" && docType(p.tsType) === "string") {
        assert(documented.has(`${kind}.${p.name}`), `${kind}.${p.name} has no row`);
      }
    }
  }
});

Deno.test("protocol spec: the contents list names every section, in order", () => {
  // The paragraph that starts with "Contents:".
  const contents = README.split("\n\n").find((paragraph) => paragraph.startsWith("Contents:"));
  assert(contents, "protocol/README.md has no Contents: paragraph");
  const top = SECTIONS.filter((s) => s.level === 2).map((s) => s.anchor);
  assertEqual(anchorLinks(contents), top);
});

Deno.test("protocol spec: test vectors have unique names and cover every message kind", () => {
  const vectors = [...README.matchAll(/```vector\n([\s\S]*?)```/g)].map((m) => {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(m[1])?.[1] ?? "";
    return { direction: field("direction"), name: field("name"), json: JSON.parse(field("json")) };
  });
  const names = vectors.map((v) => v.name);
  assertEqual(names.filter((n, i) => names.indexOf(n) !== i), [], "vector names used twice");
  for (
    const [direction, kinds] of [["client", CLIENT_MESSAGE_TYPES], [
      "server",
      SERVER_MESSAGE_TYPES,
    ]] as const
  ) {
    const covered = new Set(
      vectors.filter((v) => v.direction === direction).map((v) => v.json.type),
    );
    assertEqual(
      kinds.filter((k) => !covered.has(k)),
      [],
      `${direction} kinds without a test vector`,
    );
  }
});

/** A default server on loopback, for what it announces and sends. */
async function withDefaultServer<T>(
  fn: (server: Awaited<ReturnType<typeof startServer>>, client: RawClient) => Promise<T>,
): Promise<T> {
  const server = await startServer({ hostname: "127.0.0.1", port: 0 });
  try {
    await using client = await RawClient.join(server.addr.port, "spec");
    return await fn(server, client);
  } finally {
    await server.close();
    await server.finished;
  }
}

Deno.test("protocol spec: the limits table gives the defaults a default server announces and enforces", async () => {
  const table = firstTable(section("Limits"), ["limit", "default"]);
  const documented = new Map(
    table.rows.map((row) => {
      const [name] = codeSpans(row[0]);
      assert(name, `a limits row names no limit: ${row.join(" | ")}`);
      const value = Number(plain(row[1]).replace(/[\s_,]/g, ""));
      assert(Number.isSafeInteger(value), `limit ${name}: default "${row[1]}" is not a number`);
      return [name, value] as const;
    }),
  );
  assertEqual(documented.size, table.rows.length, "a limit is listed twice");
  const actual = await withDefaultServer((server, client) => {
    const welcome = client.received[0];
    assert(welcome.type === "welcome");
    const [connection] = server.connections;
    const secrets = server.hub.secrets;
    return Promise.resolve({
      // Everything a welcome announces is a limit, so a new one must be documented.
      ...welcome.limits,
      handshakeMaxFrameBytes: HANDSHAKE_MAX_FRAME_BYTES,
      handshakeTimeoutMs: DEFAULT_HANDSHAKE_TIMEOUT_MS,
      // `maxQueueBytes` is protected on the connection; read as the server set it.
      maxQueueBytes: (connection as unknown as { maxQueueBytes: number }).maxQueueBytes,
      maxClients: server.hub.maxClients,
      authDelayMs: secrets.delayMs,
      authMaxDelayMs: secrets.maxDelayMs,
      authMaxFailures: secrets.maxFailures,
      authMaxTotalFailures: secrets.maxTotalFailures,
      authLockoutMs: secrets.lockoutMs,
      maxRooms: DEFAULT_MAX_ROOMS,
      maxRoomsPerUser: DEFAULT_MAX_ROOMS_PER_USER,
      roomCreatesPerMinute: DEFAULT_ROOM_CREATES_PER_MINUTE,
      maxSanctionMs: MAX_SANCTION_MS,
    } as Record<string, number>);
  });
  for (const [name, value] of Object.entries(actual)) {
    assert(documented.has(name), `limit ${name} (default ${value}) is not in the Limits table`);
  }
  const behavioural = new Set(["maxBadMessages", "maxPerAddress"]);
  for (const [name, value] of documented) {
    if (behavioural.has(name)) continue;
    assert(name in actual, `the Limits table lists ${name}, which the code does not define`);
    assertEqual(value, actual[name], `default of ${name}`);
  }
});

Deno.test("protocol spec: the commands table lists exactly the commands a default server's help lists", async () => {
  const table = firstTable(section("Commands", subsections(section("Messages"))), [
    "command",
    "usage",
  ]);
  const documented = table.rows.map((row) => ({ name: plain(row[0]), usage: plain(row[1]) }));
  const help = await withDefaultServer(async (_server, client) => {
    await client.command("help");
    const reply = await client.next((m) => m.type === "help");
    assert(reply.type === "help");
    return reply.commands.map(({ name, usage }) => ({ name, usage }));
  });
  sameSet("commands", documented.map((c) => c.name), help.map((c) => c.name));
  for (const command of help) {
    assertEqual(documented.find((c) => c.name === command.name)?.usage, command.usage);
  }
});

Deno.test("protocol spec: the Limits table's maxBadMessages and maxPerAddress are what a server does", async () => {
  const limits = new Map(
    firstTable(section("Limits"), ["limit", "default"]).rows.map((row) => [
      codeSpans(row[0])[0],
      Number(plain(row[1]).replace(/[\s_,]/g, "")),
    ]),
  );
  const maxBad = limits.get("maxBadMessages");
  const maxPerAddress = limits.get("maxPerAddress");
  assert(maxBad !== undefined && maxPerAddress !== undefined);
  await withDefaultServer(async (server, client) => {
    // Malformed messages are answered one by one; the one after the allowance closes.
    for (let i = 1; i <= maxBad; i++) {
      await client.sendBytes(encodeMessage({ type: "ping" }).fill(0x20, 4));
      await client.next((m) =>
        m.type === "error" && client.received.filter((r) => r.type === "error").length === i
      );
      assert(
        !client.closed,
        `closed after ${i} malformed messages; the table says ${maxBad} are kept`,
      );
    }
    await client.sendBytes(encodeMessage({ type: "ping" }).fill(0x20, 4));
    assert(await client.waitClosed(), `not closed after ${maxBad + 1} malformed messages`);
    // The per-address cap: once the client above is gone, fill the cap, then one more.
    for (let i = 0; i < 200 && server.connections.size > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assertEqual(server.connections.size, 0);
    const held: Deno.Conn[] = [];
    try {
      for (let i = 0; i < maxPerAddress; i++) {
        held.push(await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port }));
      }
      await using extra = await RawClient.open(server.addr.port);
      const first = await extra.next(() => true);
      assert(
        first.type === "error" && first.code === "too_many_connections",
        JSON.stringify(first),
      );
    } finally {
      for (const conn of held) conn.close();
    }
  });
});

Deno.test("protocol spec: a default server answers the edge cases as Framing and Handshake say", async () => {
  await withDefaultServer(async (server, client) => {
    const port = server.addr.port;
    // A length-0 frame before the handshake: handshake_required, then the close.
    await using empty = await RawClient.open(port);
    await empty.sendBytes(new Uint8Array(4));
    const refusal = await empty.next(() => true);
    assert(
      refusal.type === "error" && refusal.code === "handshake_required",
      JSON.stringify(refusal),
    );
    assert(await empty.waitClosed(), "a length-0 frame before hello must close the connection");
    // A second hello: bad_message, and the connection stays open.
    await client.send({ type: "hello", version: 2, nick: "again" });
    const second = await client.next((m) => m.type === "error");
    assert(second.type === "error" && second.code === "bad_message", JSON.stringify(second));
    // A payload with a byte-order mark is malformed.
    const ping = encodeMessage({ type: "ping", token: 5 }).subarray(4);
    const withBom = new Uint8Array([0, 0, 0, ping.length + 3, 0xef, 0xbb, 0xbf, ...ping]);
    await client.sendBytes(withBom);
    await client.next((m) =>
      m.type === "error" && client.received.filter((r) => r.type === "error").length === 2
    );
    assert(!client.received.some((m) => m.type === "pong"), "a payload with a BOM was answered");
    const bom = client.received.filter((m) => m.type === "error")[1];
    assert(bom.type === "error" && bom.code === "bad_message", JSON.stringify(bom));
    // A lone surrogate from a JSON escape is malformed; the error carries the readable ref.
    const lone = new TextEncoder().encode('{"type":"msg","ref":77,"text":"a\\ud800"}');
    await client.sendBytes(new Uint8Array([0, 0, 0, lone.length, ...lone]));
    const surrogate = await client.next((m) => m.type === "error" && m.ref === 77);
    assert(
      surrogate.type === "error" && surrogate.code === "bad_message",
      JSON.stringify(surrogate),
    );
    // A room field that is not a room name is room_invalid, not not_in_room.
    const ref = await client.say("hi", "lobby");
    const answer = await client.next((m) => m.type === "error" && m.ref === ref);
    assert(answer.type === "error" && answer.code === "room_invalid", JSON.stringify(answer));
    const other = await client.say("hi", "#elsewhere");
    const notIn = await client.next((m) => m.type === "error" && m.ref === other);
    assert(notIn.type === "error" && notIn.code === "not_in_room", JSON.stringify(notIn));
    assert(!client.closed);
  });
});

Deno.test("protocol spec: the fields Security lists as sanitised reach others clean", async () => {
  const dirty = "a\x1b[2J\tb\u202ec\x07";
  const clean = "a bc";
  await withDefaultServer(async (server, alice) => {
    await using bob = await RawClient.join(server.addr.port, "bob");
    const done = async (ref: number) => {
      const answer = await bob.next((m) =>
        (m.type === "ack" || m.type === "error") && m.ref === ref
      );
      assert(answer.type === "ack", JSON.stringify(answer));
    };
    await done(await bob.command("join", "#side"));
    await alice.command("join", "#side");
    await bob.next((m) => m.type === "join" && m.nick === "spec");
    await done(await bob.say(dirty, "#side"));
    await done(await bob.command("topic", dirty, "#side"));
    await done(await bob.command("away", dirty));
    await done(await bob.command("part", `#side ${dirty}`));
    const seen = {
      text: await alice.next((m) => m.type === "msg" && m.from === "bob"),
      topic: await alice.next((m) => m.type === "topic" && m.by === "bob"),
      away: await alice.next((m) => m.type === "away" && m.nick === "bob"),
      part: await alice.next((m) => m.type === "leave" && m.nick === "bob"),
    };
    assert(seen.text.type === "msg" && seen.text.text === clean, JSON.stringify(seen.text));
    assert(seen.topic.type === "topic" && seen.topic.topic === clean, JSON.stringify(seen.topic));
    assert(seen.away.type === "away" && seen.away.away === clean, JSON.stringify(seen.away));
    assert(
      seen.part.type === "leave" && seen.part.reason === `part: ${clean}`,
      JSON.stringify(seen.part),
    );
    await bob.command("quit", dirty);
    const quit = await alice.next((m) =>
      m.type === "leave" && m.nick === "bob" && m.code === "quit"
    );
    assert(quit.type === "leave" && quit.reason === `quit: ${clean}`, JSON.stringify(quit));
  });
});
