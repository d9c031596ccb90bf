/**
 * Reads how long a recording really lasts from its container, so the server
 * need not trust the `durationMs` a client claims.
 *
 * Written here rather than taken from npm: `music-metadata@12.1.0` fails on
 * Chromium's unknown-size WebM ("ignore length must be a non-negative safe
 * integer"), measures a 20 s fragmented MP4 as 1.7 s and is asynchronous;
 * `ts-ebml@3.0.2` reads Chromium's WebM but prints every unknown element to
 * the console on hostile input (about 20,000 lines for 3,000 mutated files)
 * and covers neither Ogg nor MP4. The readers below walk the bytes once, with
 * no allocation per element, and never throw.
 *
 * Specifications followed:
 * - EBML, RFC 8794 (variable-size integers, unknown sizes) and the Matroska
 *   element specification (IETF CELLAR draft-ietf-cellar-matroska): Segment
 *   0x18538067, Info 0x1549A966, TimestampScale 0x2AD7B1, Duration 0x4489,
 *   Cluster 0x1F43B675, Timestamp 0xE7, SimpleBlock 0xA3, BlockGroup 0xA0,
 *   Block 0xA1, BlockDuration 0x9B.
 * - Ogg, RFC 3533 (page header, granule position); Ogg Opus, RFC 7845
 *   (48 kHz granule, pre-skip in `OpusHead`); the Vorbis I specification
 *   (sample rate in the identification header).
 * - ISO/IEC 14496-12 (ISO base media file format): `mvhd`, `mdhd`, `stts`,
 *   `mehd`, `trex`, `tfhd`, `tfdt`, `trun`.
 *
 * @module
 */

/** A container the server accepts recordings in. */
export type MediaContainer = "webm" | "ogg" | "mp4";

/**
 * The duration of a recording, read from its container, in ms (rounded).
 *
 * - WebM/Matroska: the latest block end, from Cluster Timestamp plus each
 *   block's signed 16-bit relative timestamp (plus BlockDuration, or the
 *   track's last frame interval, at most 1 s), scaled by TimestampScale (default
 *   1,000,000 ns); the Info Duration counts too when present, and the larger
 *   of the two wins, so a false Duration cannot hide blocks. Unknown-size
 *   Segments and Clusters (Chromium's MediaRecorder writes those and no
 *   Duration) are read by walking their children.
 * - Ogg: per logical stream, the last page's granule position over the rate
 *   (48 kHz less pre-skip for Opus; the header's rate for Vorbis); the
 *   longest stream wins.
 * - MP4: the longest of `mvhd`, `mehd`, each track's `mdhd` and `stts` sum,
 *   and, for fragmented files, each track's `trun` sample durations
 *   (starting at `tfdt` when present).
 *
 * Work is one pass over `data` (at most one visit per element, box or page).
 * A truncated final element ends the walk normally; anything that breaks the
 * structure earlier (an invalid size, an unknown-size element that is not a
 * Segment or Cluster, bytes that are not an Ogg page) makes the result
 * `undefined`, since what follows it could not be measured.
 *
 * @param data The recording's bytes.
 * @param container Which container `data` claims to be.
 * @returns The duration in ms, or `undefined` if it cannot be read. Never throws.
 * @example
 * ```ts
 * const bytes = await Deno.readFile("tests/fixtures/media/opus_2s.ogg");
 * measureDurationMs(bytes, "ogg"); // 2000 (pre-skip removed)
 * ```
 */
export function measureDurationMs(
  data: Uint8Array,
  container: MediaContainer,
): number | undefined {
  let ms: number | undefined;
  try {
    switch (container) {
      case "webm":
        ms = webmDurationMs(data);
        break;
      case "ogg":
        ms = oggDurationMs(data);
        break;
      case "mp4":
        ms = mp4DurationMs(data);
        break;
      default:
        return undefined;
    }
  } catch (error) {
    // The readers check every offset; a RangeError here would be a bug in
    // them, and hostile input must still not take the server down.
    if (!(error instanceof RangeError)) throw error;
    return undefined;
  }
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 ? Math.round(ms) : undefined;
}

// ---------------------------------------------------------------- EBML / WebM

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TIMESTAMP_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const CLUSTER = 0x1f43b675;
const CLUSTER_TIMESTAMP = 0xe7;
const SIMPLE_BLOCK = 0xa3;
const BLOCK_GROUP = 0xa0;
const BLOCK = 0xa1;
const BLOCK_DURATION = 0x9b;
/** Masters whose children are walked in place rather than skipped. */
const DESCEND = new Set([SEGMENT, INFO, CLUSTER, BLOCK_GROUP]);
/** Tracks followed for the last frame interval; more are still measured, without it. */
const MAX_TRACKS = 32;

/** Length in bytes of the EBML variable-size integer starting with `first` (1..8), or 0. */
function vintLength(first: number): number {
  return first === 0 ? 0 : Math.clz32(first) - 23;
}

/** Whether the size vint of `n` bytes at `at` has all value bits set: "unknown size" (RFC 8794 §6.2). */
function isUnknownSize(data: Uint8Array, at: number, n: number): boolean {
  const mask = 0xff >> n;
  if ((data[at] & mask) !== mask) return false;
  for (let i = 1; i < n; i++) if (data[at + i] !== 0xff) return false;
  return true;
}

/** Reads the value of the EBML vint of `n` bytes at `at`, without its length marker. */
function readVint(data: Uint8Array, at: number, n: number): number {
  let v = data[at] & (0xff >> n);
  for (let i = 1; i < n; i++) v = v * 256 + data[at + i];
  return v;
}

/** Reads an unsigned big-endian integer of `n` ≤ 8 bytes (beyond 2^53 it is approximate). */
function readUint(data: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + data[at + i];
  return v;
}

/** Reads a Matroska float element's payload (0, 4 or 8 bytes); NaN otherwise. */
function readFloat(data: Uint8Array, at: number, n: number): number {
  const view = new DataView(data.buffer, data.byteOffset + at, n);
  if (n === 4) return view.getFloat32(0);
  if (n === 8) return view.getFloat64(0);
  return n === 0 ? 0 : NaN;
}

function webmDurationMs(data: Uint8Array): number | undefined {
  const end = data.length;
  let pos = 0;
  let scaleNs = 1_000_000;
  let infoDuration: number | undefined;
  let clusterTime: number | undefined;
  let maxEnd = -Infinity;
  const tracks = new Map<number, { last: number; step: number }>();
  let groupTime: number | undefined;
  let groupDuration: number | undefined;
  let first = true;
  const note = (track: number, t: number) => {
    let state = tracks.get(track);
    if (!state && tracks.size < MAX_TRACKS) {
      state = { last: t, step: 0 };
      tracks.set(track, state);
    } else if (state && t > state.last) {
      state.step = t - state.last;
      state.last = t;
    }
    maxEnd = Math.max(maxEnd, t);
  };
  while (pos < end) {
    // Element ID: 1 to 4 bytes, marker bits kept.
    const idLength = vintLength(data[pos]);
    if (idLength === 0 || idLength > 4) return undefined;
    if (pos + idLength >= end) break;
    const id = readUint(data, pos, idLength);
    if (first && id !== EBML_HEADER) return undefined;
    first = false;
    const sizeAt = pos + idLength;
    const sizeLength = vintLength(data[sizeAt]);
    if (sizeLength === 0) return undefined;
    if (sizeAt + sizeLength > end) break;
    const size = readVint(data, sizeAt, sizeLength);
    const unknown = isUnknownSize(data, sizeAt, sizeLength);
    const body = sizeAt + sizeLength;
    if (DESCEND.has(id)) {
      if (unknown && id !== SEGMENT && id !== CLUSTER) return undefined;
      if (id === BLOCK_GROUP) groupTime = groupDuration = undefined;
      pos = body;
      continue;
    }
    if (unknown) return undefined;
    const avail = Math.min(size, end - body);
    switch (id) {
      case TIMESTAMP_SCALE:
        if (size >= 1 && size <= 8 && avail === size) {
          const v = readUint(data, body, size);
          if (v > 0) scaleNs = v;
        }
        break;
      case DURATION:
        if (avail === size && (size === 4 || size === 8)) {
          const v = readFloat(data, body, size);
          if (Number.isFinite(v) && v >= 0) infoDuration = v;
        }
        break;
      case CLUSTER_TIMESTAMP:
        if (size <= 8 && avail === size) clusterTime = readUint(data, body, size);
        break;
      case SIMPLE_BLOCK:
      case BLOCK: {
        // Track number (a vint), then a signed 16-bit timestamp relative to the cluster.
        if (clusterTime === undefined || avail < 1) break;
        const trackLength = vintLength(data[body]);
        if (trackLength === 0 || avail < trackLength + 2) break;
        const track = readVint(data, body, trackLength);
        const relative = (data[body + trackLength] << 24 >> 16) | data[body + trackLength + 1];
        const t = clusterTime + relative;
        note(track, t);
        if (id === BLOCK) {
          groupTime = t;
          if (groupDuration !== undefined) maxEnd = Math.max(maxEnd, t + groupDuration);
        }
        break;
      }
      case BLOCK_DURATION:
        if (size <= 8 && avail === size) {
          groupDuration = readUint(data, body, size);
          if (groupTime !== undefined) maxEnd = Math.max(maxEnd, groupTime + groupDuration);
        }
        break;
    }
    if (size > end - body) break; // truncated final element
    pos = body + size;
  }
  // The last frame lasts about as long as the one before it (at most 1 s), per track.
  const second = 1e9 / scaleNs;
  for (const { last, step } of tracks.values()) {
    maxEnd = Math.max(maxEnd, last + Math.min(step, second));
  }
  const ticks = Math.max(maxEnd, infoDuration ?? -Infinity);
  if (ticks === -Infinity) return undefined;
  return Math.max(0, ticks) * scaleNs / 1e6;
}

// ----------------------------------------------------------------------- Ogg

/** Per logical stream: samples per second, samples to skip, last granule. */
interface OggStream {
  rate: number;
  skip: number;
  granule: number;
}

function oggDurationMs(data: Uint8Array): number | undefined {
  const streams = new Map<number, OggStream | null>();
  let pos = 0;
  while (pos < data.length) {
    if (pos + 27 > data.length) break; // truncated final page
    if (
      data[pos] !== 0x4f || data[pos + 1] !== 0x67 || data[pos + 2] !== 0x67 ||
      data[pos + 3] !== 0x53 || data[pos + 4] !== 0
    ) return undefined;
    const view = new DataView(data.buffer, data.byteOffset + pos, 27);
    const beginsStream = (data[pos + 5] & 0x02) !== 0;
    const granuleLow = view.getUint32(6, true);
    const granuleHigh = view.getInt32(10, true);
    const serial = view.getUint32(14, true);
    const segments = data[pos + 26];
    if (pos + 27 + segments > data.length) break;
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += data[pos + 27 + i];
    const body = pos + 27 + segments;
    if (beginsStream && !streams.has(serial) && streams.size < 64) {
      streams.set(serial, oggCodec(data.subarray(body, Math.min(body + bodyLength, data.length))));
    }
    const stream = streams.get(serial);
    // -1 means no packet ends on this page; other negatives are invalid.
    if (stream && granuleHigh >= 0) {
      stream.granule = Math.max(stream.granule, granuleHigh * 2 ** 32 + granuleLow);
    }
    pos = body + bodyLength;
  }
  let longest: number | undefined;
  for (const stream of streams.values()) {
    if (!stream || stream.granule < 0) continue;
    const ms = Math.max(0, stream.granule - stream.skip) / stream.rate * 1000;
    longest = Math.max(longest ?? 0, ms);
  }
  return longest;
}

/** The timing of a stream from its first packet (OpusHead or Vorbis identification); null for other codecs. */
function oggCodec(packet: Uint8Array): OggStream | null {
  const ascii = (at: number, text: string) =>
    packet.length >= at + text.length &&
    [...text].every((c, i) => packet[at + i] === c.charCodeAt(0));
  if (ascii(0, "OpusHead") && packet.length >= 19) {
    // RFC 7845 §5.1: pre-skip is a little-endian uint16 at offset 10; granules count 48 kHz samples.
    return { rate: 48_000, skip: packet[10] | packet[11] << 8, granule: -1 };
  }
  if (packet[0] === 1 && ascii(1, "vorbis") && packet.length >= 16) {
    const rate = new DataView(packet.buffer, packet.byteOffset + 12, 4).getUint32(0, true);
    return rate > 0 ? { rate, skip: 0, granule: -1 } : null;
  }
  return null;
}

// ----------------------------------------------------------------------- MP4

/** Boxes whose children are walked. */
const MP4_CONTAINERS = new Set(["moov", "trak", "mdia", "minf", "stbl", "mvex", "moof", "traf"]);
const MAX_BOXES = 100_000;
const MAX_DEPTH = 8;

/** What the walk learned about one track, in its own timescale. */
interface Mp4Track {
  timescale: number;
  longest: number;
  fragments: number;
  defaultSampleDuration: number;
}

function mp4DurationMs(data: Uint8Array): number | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const candidatesMs: number[] = [];
  const tracks = new Map<number, Mp4Track>();
  const track = (id: number) => {
    let t = tracks.get(id);
    if (!t && tracks.size < 64) {
      t = { timescale: 0, longest: 0, fragments: 0, defaultSampleDuration: 0 };
      tracks.set(id, t);
    }
    return t;
  };
  let movieTimescale = 0;
  let currentTrack: Mp4Track | undefined; // the trak or traf being walked
  let fragmentTrack: Mp4Track | undefined;
  let fragmentDefault = 0;
  let fragmentStart: number | undefined;
  let boxes = 0;
  const u64 = (at: number) => view.getUint32(at) * 2 ** 32 + view.getUint32(at + 4);

  /** Walks boxes in [start, stop); false if the structure is broken. */
  const walk = (start: number, stop: number, depth: number): boolean => {
    let pos = start;
    while (pos < stop) {
      if (++boxes > MAX_BOXES) return false;
      if (pos + 8 > stop) return stop === data.length; // truncated tail
      let size = view.getUint32(pos);
      const type = String.fromCharCode(data[pos + 4], data[pos + 5], data[pos + 6], data[pos + 7]);
      let header = 8;
      if (size === 1) {
        if (pos + 16 > stop) return stop === data.length;
        size = u64(pos + 8);
        header = 16;
      } else if (size === 0) {
        size = stop - pos;
      }
      if (size < header) return false;
      const end = Math.min(pos + size, stop);
      if (pos + size > stop && stop !== data.length) return false;
      const body = pos + header;
      const len = end - body;
      if (MP4_CONTAINERS.has(type)) {
        if (depth >= MAX_DEPTH) return false;
        if (type === "trak") currentTrack = undefined;
        if (type === "traf") {
          fragmentTrack = undefined;
          fragmentDefault = 0;
          fragmentStart = undefined;
        }
        if (!walk(body, end, depth + 1)) return false;
      } else {
        fullBox(type, body, len);
      }
      pos = end;
    }
    return true;
  };

  const fullBox = (type: string, body: number, len: number) => {
    if (len < 4) return;
    const version = data[body];
    const flags = data[body + 1] << 16 | data[body + 2] << 8 | data[body + 3];
    const b = body + 4;
    const has = (n: number) => len - 4 >= n;
    switch (type) {
      case "mvhd":
        if (version === 1 && has(28)) {
          movieTimescale = view.getUint32(b + 16);
          const d = u64(b + 20);
          if (movieTimescale > 0 && d !== 2 ** 64 - 1) candidatesMs.push(d / movieTimescale * 1e3);
        } else if (version === 0 && has(16)) {
          movieTimescale = view.getUint32(b + 8);
          const d = view.getUint32(b + 12);
          if (movieTimescale > 0 && d !== 0xffffffff) candidatesMs.push(d / movieTimescale * 1e3);
        }
        break;
      case "mehd":
        if (movieTimescale > 0 && has(version === 1 ? 8 : 4)) {
          const d = version === 1 ? u64(b) : view.getUint32(b);
          candidatesMs.push(d / movieTimescale * 1e3);
        }
        break;
      case "tkhd":
        if (has(version === 1 ? 20 : 12)) {
          currentTrack = track(view.getUint32(b + (version === 1 ? 16 : 8)));
        }
        break;
      case "mdhd":
        if (currentTrack && has(version === 1 ? 28 : 16)) {
          const scale = view.getUint32(b + (version === 1 ? 16 : 8));
          const d = version === 1 ? u64(b + 20) : view.getUint32(b + 12);
          currentTrack.timescale = scale;
          if (d !== (version === 1 ? 2 ** 64 - 1 : 0xffffffff)) {
            currentTrack.longest = Math.max(currentTrack.longest, d);
          }
        }
        break;
      case "stts":
        if (currentTrack && has(4)) {
          const count = Math.min(view.getUint32(b), Math.floor((len - 8) / 8));
          let sum = 0;
          for (let i = 0; i < count; i++) {
            sum += view.getUint32(b + 4 + i * 8) * view.getUint32(b + 8 + i * 8);
          }
          currentTrack.longest = Math.max(currentTrack.longest, sum);
        }
        break;
      case "trex":
        if (has(12)) {
          const t = track(view.getUint32(b));
          if (t) t.defaultSampleDuration = view.getUint32(b + 8);
        }
        break;
      case "tfhd": {
        if (!has(4)) break;
        fragmentTrack = track(view.getUint32(b));
        fragmentDefault = fragmentTrack?.defaultSampleDuration ?? 0;
        let at = b + 4;
        if (flags & 0x1) at += 8; // base-data-offset
        if (flags & 0x2) at += 4; // sample-description-index
        if (flags & 0x8 && at + 4 <= body + len) fragmentDefault = view.getUint32(at);
        break;
      }
      case "tfdt":
        if (has(version === 1 ? 8 : 4)) fragmentStart = version === 1 ? u64(b) : view.getUint32(b);
        break;
      case "trun": {
        if (!fragmentTrack || !has(4)) break;
        const declared = view.getUint32(b);
        let at = b + 4;
        if (flags & 0x1) at += 4; // data-offset
        if (flags & 0x4) at += 4; // first-sample-flags
        const perSample = [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length * 4;
        let sum = 0;
        if (!(flags & 0x100)) {
          sum = declared * fragmentDefault;
        } else {
          const count = Math.min(declared, Math.floor((body + len - at) / perSample));
          for (let i = 0; i < count; i++) sum += view.getUint32(at + i * perSample);
        }
        const start = fragmentStart ?? fragmentTrack.fragments;
        fragmentTrack.fragments = start + sum;
        fragmentStart = start + sum;
        fragmentTrack.longest = Math.max(fragmentTrack.longest, fragmentTrack.fragments);
        break;
      }
    }
  };

  if (data.length < 8 || view.getUint32(4) !== 0x66747970) return undefined; // "ftyp"
  if (!walk(0, data.length, 0)) return undefined;
  for (const t of tracks.values()) {
    if (t.timescale > 0) candidatesMs.push(t.longest / t.timescale * 1e3);
  }
  return candidatesMs.length ? Math.max(...candidatesMs) : undefined;
}
