import fc from "npm:fast-check@4.10.2";
import { measureDurationMs, type MediaContainer } from "../../../server/media/media_duration.ts";
import { assert, assertEqual } from "../../_helpers/assert.ts";

/** Real recordings, made by tests/fixtures/media/make_fixtures.ts (Chromium and ffmpeg). */
const FIXTURES = new URL("../../fixtures/media/", import.meta.url);
const fixture = (name: string) => Deno.readFileSync(new URL(name, FIXTURES));

/** Each fixture, its container and its true duration in ms (ffprobe's packet timestamps). */
const CASES: [string, MediaContainer, number][] = [
  ["chromium_voice_2s.webm", "webm", 1980],
  ["chromium_voice_20s.webm", "webm", 19_980],
  ["chromium_video_1500ms.webm", "webm", 1492],
  ["opus_2s.ogg", "ogg", 2000],
  ["opus_20s.ogg", "ogg", 20_000],
  ["vorbis_2s.ogg", "ogg", 2000],
  ["vorbis_20s.ogg", "ogg", 20_000],
  ["aac_2s.mp4", "mp4", 2128],
  ["aac_20s.mp4", "mp4", 20_128],
  ["aac_fragmented_2s.mp4", "mp4", 2128],
  ["aac_fragmented_20s.mp4", "mp4", 20_128],
];

Deno.test("measureDurationMs reads real WebM, Ogg and MP4 recordings to within 60 ms", () => {
  for (const [name, container, expected] of CASES) {
    const ms = measureDurationMs(fixture(name), container);
    assert(
      ms !== undefined && Math.abs(ms - expected) <= 60,
      `${name}: ${ms} ms, not ~${expected}`,
    );
  }
});

Deno.test("measureDurationMs measures Chromium's WebM, which has unknown sizes and no Duration", () => {
  const data = fixture("chromium_voice_20s.webm");
  const hex = data.toHex();
  // Segment 18 53 80 67 with the 8-byte "unknown" size, and a Cluster with an unknown size.
  assert(hex.includes("1853806701ffffffffffffff"), "unknown-size Segment");
  assert(hex.includes("1f43b67501ffffffffffffff"), "unknown-size Cluster");
  assert(!hex.includes("4489"), "no Info Duration element");
  assertEqual(measureDurationMs(data, "webm"), 19_980);
});

Deno.test("measureDurationMs reads fragmented MP4 from trun samples when mvhd says 0", () => {
  const data = fixture("aac_fragmented_20s.mp4");
  const hex = data.toHex();
  // mvhd version 0: 4 bytes of version/flags, 8 of times, timescale, then duration 0.
  const mvhd = hex.indexOf("6d766864");
  assertEqual(hex.slice(mvhd + 8 + 8 + 16 + 8, mvhd + 8 + 8 + 16 + 16), "00000000");
  assert(!hex.includes("6d656864"), "no mehd box");
  assertEqual(measureDurationMs(data, "mp4"), 20_128);
});

// ------------------------------------------------------------ synthetic EBML

/** An EBML element: ID bytes, a size vint of `sizeLength` bytes, the payload. */
function el(id: number[], payload: Uint8Array | number[], unknownSize = false): Uint8Array {
  const body = Uint8Array.from(payload);
  const size = unknownSize
    ? [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    : [0x40 | (body.length >> 8), body.length & 0xff];
  return Uint8Array.from([...id, ...size, ...body]);
}
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const f64 = (v: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v);
  return b;
};
const HEADER = el([0x1a, 0x45, 0xdf, 0xa3], el([0x42, 0x82], [0x77, 0x65, 0x62, 0x6d]));
const simpleBlock = (track: number, relative: number) =>
  el([0xa3], [0x80 | track, (relative >> 8) & 0xff, relative & 0xff, 0x80, 1, 2, 3]);
const cluster = (timecode: number[], ...blocks: Uint8Array[]) =>
  el([0x1f, 0x43, 0xb6, 0x75], cat(el([0xe7], timecode), ...blocks), true);
const segment = (...children: Uint8Array[]) =>
  cat(el([0x18, 0x53, 0x80, 0x67], [], true).subarray(0, 12), ...children);

Deno.test("measureDurationMs uses cluster timecodes and signed relative block times", () => {
  // Cluster at 1000 ms with blocks at -20 and +980, then one at 2000 with blocks 0 and 40.
  const file = cat(
    HEADER,
    segment(
      cluster([0x03, 0xe8], simpleBlock(1, -20), simpleBlock(1, 980)),
      cluster([0x07, 0xd0], simpleBlock(1, 0), simpleBlock(1, 40)),
    ),
  );
  // Last block at 2040 plus the track's last interval (40 ms).
  assertEqual(measureDurationMs(file, "webm"), 2080);
});

Deno.test("measureDurationMs reads 8-byte size vints exactly (ffmpeg writes Void that way)", () => {
  // EBML Void (0xEC) whose 8-byte size is 4: 2^56 + 4 is not a double, so the marker must go first.
  const voidEl = Uint8Array.of(0xec, 0x01, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0);
  const file = cat(HEADER, segment(voidEl, cluster([0x00], simpleBlock(1, 0), simpleBlock(1, 30))));
  assertEqual(measureDurationMs(file, "webm"), 60);
});

Deno.test("measureDurationMs scales by TimecodeScale and honours a larger Info Duration", () => {
  const info = (scaleNs: number[], duration?: number) =>
    el(
      [0x15, 0x49, 0xa9, 0x66],
      cat(el([0x2a, 0xd7, 0xb1], scaleNs), ...(duration ? [el([0x44, 0x89], f64(duration))] : [])),
    );
  const blocks = cluster([0x00], simpleBlock(1, 0), simpleBlock(1, 100));
  // 500,000 ns ticks: blocks at 0 and 100 ticks, ending at 200 ticks = 100 ms.
  assertEqual(
    measureDurationMs(cat(HEADER, segment(info([0x07, 0xa1, 0x20]), blocks)), "webm"),
    100,
  );
  // A Duration of 600,000 ticks (300 s) counts even though the blocks are short.
  assertEqual(
    measureDurationMs(cat(HEADER, segment(info([0x07, 0xa1, 0x20], 600_000), blocks)), "webm"),
    300_000,
  );
  // A false short Duration cannot hide later blocks.
  const long = cluster([0x01, 0x24, 0xf8], simpleBlock(1, 0), simpleBlock(1, 20)); // 75,000 ticks
  assertEqual(
    measureDurationMs(cat(HEADER, segment(info([0x0f, 0x42, 0x40], 100), blocks, long)), "webm"),
    75_040,
  );
});

Deno.test("measureDurationMs adds BlockDuration inside a BlockGroup", () => {
  const group = el(
    [0xa0],
    cat(el([0xa1], [0x81, 0x00, 0x0a, 0x00, 9]), el([0x9b], [0x13, 0x88])),
  );
  assertEqual(measureDurationMs(cat(HEADER, segment(cluster([0x00], group))), "webm"), 5010);
});

Deno.test("measureDurationMs gives up on structure it cannot walk past", () => {
  const tail = cluster([0x00], simpleBlock(1, 0), simpleBlock(1, 20));
  // An unknown-size element that is not a Segment or Cluster hides what follows.
  const hidden = el([0x16, 0x54, 0xae, 0x6b], [], true).subarray(0, 12);
  assertEqual(measureDurationMs(cat(HEADER, segment(hidden, tail)), "webm"), undefined);
  // A zero byte cannot start an EBML ID.
  assertEqual(measureDurationMs(cat(HEADER, Uint8Array.of(0), tail), "webm"), undefined);
  // Not EBML, not Ogg pages, not ISO boxes.
  assertEqual(measureDurationMs(fixture("opus_2s.ogg"), "webm"), undefined);
  assertEqual(measureDurationMs(fixture("chromium_voice_2s.webm"), "ogg"), undefined);
  assertEqual(measureDurationMs(fixture("chromium_voice_2s.webm"), "mp4"), undefined);
  // Garbage after real Ogg pages could be hiding more audio.
  assertEqual(
    measureDurationMs(cat(fixture("opus_2s.ogg"), new Uint8Array(40).fill(7)), "ogg"),
    undefined,
  );
});

Deno.test("measureDurationMs on a truncated recording measures at most the whole", () => {
  for (const [name, container, expected] of CASES) {
    const data = fixture(name);
    for (let cut = 0; cut < data.length; cut += Math.max(1, Math.floor(data.length / 97))) {
      const ms = measureDurationMs(data.subarray(0, cut), container);
      assert(ms === undefined || ms <= expected + 60, `${name} cut at ${cut}: ${ms}`);
    }
  }
});

// ------------------------------------------------------------------- fuzzing

const isResult = (ms: number | undefined) =>
  ms === undefined || (Number.isInteger(ms) && ms >= 0 && Number.isFinite(ms));
const CONTAINERS: MediaContainer[] = ["webm", "ogg", "mp4"];
const SEEDS = CASES.map(([name, container]) => [fixture(name), container] as const);

Deno.test("measureDurationMs returns a duration or undefined for random bytes, never throws", () => {
  const magic = { webm: [0x1a, 0x45, 0xdf, 0xa3], ogg: [0x4f, 0x67, 0x67, 0x53, 0], mp4: [] };
  fc.assert(
    fc.property(
      fc.constantFrom(...CONTAINERS),
      fc.uint8Array({ maxLength: 2048 }),
      (container, bytes) => {
        const prefixed = cat(Uint8Array.from(magic[container]), bytes);
        const ftyp = cat(Uint8Array.of(0, 0, 0, 8, 0x66, 0x74, 0x79, 0x70), bytes);
        return isResult(measureDurationMs(bytes, container)) &&
          isResult(measureDurationMs(prefixed, container)) &&
          isResult(measureDurationMs(ftyp, container));
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("measureDurationMs survives mutated and truncated real recordings", () => {
  fc.assert(
    fc.property(
      fc.nat(SEEDS.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 12,
      }),
      fc.nat(),
      (which, edits, cut) => {
        const [seed, container] = SEEDS[which];
        const data = seed.slice(0, 1 + (cut % seed.length));
        for (const [at, value] of edits) data[at % data.length] = value;
        return isResult(measureDurationMs(data, container));
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("measureDurationMs on hostile sizes: huge sample counts and lengths stay bounded", () => {
  // A trun claiming 2^32-1 samples with per-sample durations, in a 40-byte box.
  const box = (type: string, payload: number[]) => {
    const size = 8 + payload.length;
    return Uint8Array.from([
      size >>> 24,
      (size >> 16) & 0xff,
      (size >> 8) & 0xff,
      size & 0xff,
      ...[...type].map((c) => c.charCodeAt(0)),
      ...payload,
    ]);
  };
  const ftyp = box("ftyp", [0x69, 0x73, 0x6f, 0x35, 0, 0, 0, 0]);
  const moov = box("moov", [
    ...box("trak", [
      ...box("tkhd", [0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
      ...box("mdia", [
        ...box("mdhd", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 0]),
      ]),
    ]),
  ]);
  const moof = box("moof", [
    ...box("traf", [
      ...box("tfhd", [0, 0, 0, 0, 0, 0, 0, 1]),
      ...box("trun", [0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x03, 0xe8, 0, 0, 0x03, 0xe8]),
    ]),
  ]);
  // Two samples of 1000 ticks at 1000 ticks/s are all the box holds: 2 s.
  assertEqual(measureDurationMs(cat(ftyp, moov, moof), "mp4"), 2000);
});
