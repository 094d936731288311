// Low-level reader for the Go 1.22+ generational execution-trace format.
//
// The reader frames the byte stream into batches, groups them into generations, decodes the
// per-generation tables (strings, stacks/frames, CPU samples, frequency, 1.25+ clock
// snapshot), keeps experimental batches as opaque bytes, and stores every event of every
// event batch column-wise (model.ts). It does NOT order events across threads; that is the
// job of the ordering state machine built on top of this.
//
// It is push-based (GenerationStream.push(chunk) / finish()) so a File can be streamed in
// slices, and every loop is bounded by the input: lengths are checked against the format's
// limits before anything is allocated and nothing is read past the bytes received.
//
// Errors never throw away earlier generations: the reader stops at the first problem and
// reports it as a warning (a DecodeError naming the byte offset); everything complete before
// it is returned. Generation boundaries follow Go: before 1.26 a generation ends when a batch
// of the next generation starts (or at a clean EOF); from 1.26 on, at an EndOfGeneration byte.

import { DecodeError, type ProgressFn } from '../errors.ts';
import { GOTRACE_FORMAT, HEADER_SIZE, readGoTraceHeader, type GoTraceHeader } from './header.ts';
import type { BatchInfo, BatchKind, ClockSnapshot, ExperimentalBatch, Frame, Generation } from './model.ts';
import { Ev, MAX_BATCH_SIZE, MAX_FRAMES_PER_STACK, MAX_STRING_SIZE, SPECS, TIMED_EXTRA_ARGS as TIMED_EXTRA_ARGS_EXPORT, type GoTraceV2Version } from './spec.ts';

// Local copies of hot-loop tables (imported bindings may compile to getter calls).
const TIMED_EXTRA_ARGS: Int8Array = TIMED_EXTRA_ARGS_EXPORT;
const EV_STRING = Ev.String;
const EV_STACK = Ev.Stack;
const EV_CPUSAMPLE = Ev.CPUSample;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
import { u64FromBig, U64_MAX, type U64 } from './u64.ts';
import { readLegacyTrace } from './v1/index.ts';
import { releaseAll } from '../../model/release.ts';

// ---------------------------------------------------------------------------------------
// Uvarint decoding (LEB128, at most 10 bytes, the 10th byte at most 1 — like Go's
// encoding/binary.Uvarint). Results go to module-private slots to avoid allocating (kept
// private: bundlers turn exported `let`s into getter calls, which is slow in hot loops).

/** Status codes of readUvarint. */
const UV_OK = 0;
const UV_NEED_MORE = -1;
const UV_OVERFLOW = -2;

/** Value of the last successful readUvarint (canonical U64). */
let uvValue: U64 = 0;
/** Position just after the last successfully read uvarint. */
let uvPos = 0;

/**
 * Reads one uvarint from buf[pos..end). Returns UV_OK (value in uvValue, next position in
 * uvPos), UV_NEED_MORE when the bytes ran out first, or UV_OVERFLOW for a value that does
 * not fit 64 bits or uses more than 10 bytes.
 */
function readUvarint(buf: Uint8Array, pos: number, end: number): number {
  let num = 0;
  let mul = 1;
  let i = 0;
  // Fast path: up to 7 bytes (49 bits) always fit exactly in a double.
  for (; i < 7; i++) {
    if (pos + i >= end) return UV_NEED_MORE;
    const b = buf[pos + i];
    num += (b & 0x7f) * mul;
    if (b < 0x80) {
      uvValue = num;
      uvPos = pos + i + 1;
      return UV_OK;
    }
    mul *= 128;
  }
  // Bytes 8..10: shifts 49, 56, 63. Only switch to BigInt when payload bits are set
  // (runtime-padded varints have zero payload in these bytes).
  let big: bigint | null = null;
  for (; i < 10; i++) {
    if (pos + i >= end) return UV_NEED_MORE;
    const b = buf[pos + i];
    if (i === 9 && b > 1) return UV_OVERFLOW;
    const payload = b & 0x7f;
    if (payload !== 0) {
      if (big === null) big = BigInt(num);
      big += BigInt(payload) << BigInt(7 * i);
    }
    if (b < 0x80) {
      uvValue = big === null ? num : u64FromBig(big);
      uvPos = pos + i + 1;
      return UV_OK;
    }
  }
  return UV_OVERFLOW;
}

/** A problem inside one batch or generation; converted to a DecodeError with an offset. */
class FormatProblem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function u64Num(v: U64): number {
  return typeof v === 'bigint' ? Number(v) : v;
}

function isU64(v: U64, n: number): boolean {
  return typeof v === 'number' && v === n;
}

/** Adds one to a U64 (exact). */
function u64Inc(v: U64): U64 {
  if (typeof v === 'number') return v + 1 <= MAX_SAFE ? v + 1 : BigInt(v) + 1n;
  return v + 1n;
}

// Per event code: positions (after dt) of its stack-id and string-id arguments (at most two
// of each; -1 = none), flat so that validating every event reads two small tables.
const STACK_ARG_1 = new Int8Array(256).fill(-1);
const STACK_ARG_2 = new Int8Array(256).fill(-1);
const STRING_ARG_1 = new Int8Array(256).fill(-1);
const STRING_ARG_2 = new Int8Array(256).fill(-1);
for (let c = 0; c < 256; c++) {
  const s = SPECS[c];
  if (s === undefined || !s.timed) continue;
  if (s.stackArgs.length > 2 || s.stringArgs.length > 2) throw new Error(`spec of ${s.name}: more than two stack or string arguments`);
  if (s.stackArgs.length > 0) STACK_ARG_1[c] = s.stackArgs[0] - 1;
  if (s.stackArgs.length > 1) STACK_ARG_2[c] = s.stackArgs[1] - 1;
  if (s.stringArgs.length > 0) STRING_ARG_1[c] = s.stringArgs[0] - 1;
  if (s.stringArgs.length > 1) STRING_ARG_2[c] = s.stringArgs[1] - 1;
}

/**
 * The table's ids as a byte per id (1 = present) when they are small numbers, as they are in
 * Go's traces (ids count up from 1 in each generation); null when some id is not.
 */
function denseIds(keys: Iterable<U64>, count: number): Uint8Array | null {
  const limit = 4 * count + 4096;
  let max = 0;
  for (const k of keys) {
    if (typeof k !== 'number' || k >= limit) return null;
    if (k > max) max = k;
  }
  const a = new Uint8Array(max + 1);
  for (const k of keys) a[k as number] = 1;
  return a;
}
const SINCE = new Uint8Array(256);
for (let c = 0; c < 256; c++) SINCE[c] = SPECS[c]?.since ?? 0;

interface RawFrame {
  pc: U64;
  funcId: U64;
  fileId: U64;
  line: U64;
}

/**
 * Growth buffers of the event columns, reused by the next generation once a generation is
 * finished (its columns are exact-size copies): reading a big trace then allocates each
 * buffer size once instead of a doubling series per generation, which kept tens of MB of
 * dead ArrayBuffers waiting for the GC.
 */
interface EventBuffers {
  evType: Uint8Array;
  evTicks: Float64Array;
  evArgOff: Uint32Array;
  args: Float64Array;
}
let spareBuffers: EventBuffers | null = null;

/**
 * Frees the spare buffers once a read has ended: no generation follows to take them, and
 * they are the size of the biggest generation's events (40 MB for a 110 MB trace), which the
 * worker would otherwise hold until it reads another trace.
 */
function dropSpareBuffers(): void {
  const b = spareBuffers;
  spareBuffers = null;
  if (b !== null) releaseAll([b.evType, b.evTicks, b.evArgOff, b.args]);
}

function takeBuffers(): EventBuffers {
  const b = spareBuffers;
  spareBuffers = null;
  return b ?? { evType: new Uint8Array(1024), evTicks: new Float64Array(1024), evArgOff: new Uint32Array(1024), args: new Float64Array(2048) };
}

/** Accumulates the batches of one generation. */
class GenerationBuilder {
  readonly batches: BatchInfo[] = [];
  readonly ms: U64[] = [];
  readonly batchesByM = new Map<U64, number[]>();
  readonly strings = new Map<U64, string>();
  readonly stacks = new Map<U64, U64[]>();
  readonly rawFrames = new Map<U64, RawFrame>();
  readonly experimental: ExperimentalBatch[] = [];
  readonly bigs: bigint[] = [];

  // Event columns (grown by doubling; spare buffers of an earlier generation when free).
  private readonly bufs = takeBuffers();
  nEv = 0;
  evType = this.bufs.evType;
  evTicks = this.bufs.evTicks;
  evArgOff = this.bufs.evArgOff;
  nArgs = 0;
  args = this.bufs.args;

  // CPU samples.
  nCpu = 0;
  cpu = new Float64Array(0); // 5 columns interleaved: ticks, m, p, g, stack

  hasFreq = false;
  ticksPerSec: U64 = 0;
  clock: ClockSnapshot | null = null;
  minTicks: U64 = 0;
  eventsNewer = 0;
  ticksInexact = false;

  constructor(
    readonly gen: U64,
    readonly version: GoTraceV2Version,
    readonly offset: number,
  ) {}

  code(v: U64): number {
    if (typeof v === 'number') return v;
    if (v === U64_MAX) return -1;
    this.bigs.push(v);
    return -2 - (this.bigs.length - 1);
  }

  /** Grows the event columns to hold at least `need` events. */
  private growEvents(need: number): void {
    let n = this.evType.length * 2;
    while (n < need) n *= 2;
    const t = new Uint8Array(n);
    t.set(this.evType);
    this.evType = t;
    const k = new Float64Array(n);
    k.set(this.evTicks);
    this.evTicks = k;
    const o = new Uint32Array(n);
    o.set(this.evArgOff);
    this.evArgOff = o;
  }

  /** Grows `args` to hold at least `need` values. */
  private growArgs(need: number): void {
    let n = this.args.length * 2;
    while (n < need) n *= 2;
    const a = new Float64Array(n);
    a.set(this.args);
    this.args = a;
  }

  /** Adds a batch whose payload is buf[start, end). `offset` = file offset of buf[0]. */
  addBatch(exp: number, m: U64, time: U64, buf: Uint8Array, start: number, end: number, base: number, hdrOffset: number): void {
    // Go's minTs rule: a zero minimum counts as unset.
    if (isU64(this.minTicks, 0) || (typeof time === 'bigint' || typeof this.minTicks === 'bigint' ? BigInt(time) < BigInt(this.minTicks) : time < this.minTicks)) {
      this.minTicks = time;
    }
    const size = end - start;
    const headerSize = base + start - hdrOffset;
    const info: BatchInfo = { kind: 'events', m, time, offset: hdrOffset, headerSize, size, first: this.nEv, count: 0, experiment: exp };
    if (exp !== 0) {
      info.kind = 'experimental';
      info.first = this.experimental.length;
      info.count = 1;
      this.experimental.push({ experiment: exp, m, time, offset: hdrOffset, data: buf.slice(start, end) });
      this.batches.push(info);
      return;
    }
    const first = size > 0 ? buf[start] : -1;
    let kind: BatchKind = 'events';
    if (first === Ev.Strings) kind = 'strings';
    else if (first === Ev.Stacks) kind = 'stacks';
    else if (first === Ev.CPUSamples) kind = 'cpu';
    else if ((first === Ev.Frequency && this.version < 25) || (first === Ev.Sync && this.version >= 25)) kind = 'sync';
    info.kind = kind;
    switch (kind) {
      case 'strings':
        info.first = this.strings.size;
        this.readStrings(buf, start + 1, end, base);
        info.count = this.strings.size - info.first;
        break;
      case 'stacks':
        info.first = this.stacks.size;
        this.readStacks(buf, start + 1, end, base);
        info.count = this.stacks.size - info.first;
        break;
      case 'cpu':
        info.first = this.nCpu;
        this.readCpuSamples(buf, start + 1, end, base);
        info.count = this.nCpu - info.first;
        break;
      case 'sync':
        info.first = 0;
        this.readSync(buf, this.version >= 25 ? start + 1 : start, end, base, time);
        break;
      default: {
        const nEv0 = this.nEv;
        const nArgs0 = this.nArgs;
        const nBigs0 = this.bigs.length;
        try {
          this.readEvents(buf, start, end, base, time);
        } catch (e) {
          // Drop the broken batch's events so a partial generation stays consistent.
          this.nEv = nEv0;
          this.nArgs = nArgs0;
          this.bigs.length = nBigs0;
          throw e;
        }
        info.count = this.nEv - info.first;
        let list = this.batchesByM.get(m);
        if (list === undefined) {
          list = [];
          this.batchesByM.set(m, list);
          this.ms.push(m);
        }
        list.push(this.batches.length);
      }
    }
    this.batches.push(info);
  }

  private uv(buf: Uint8Array, p: number, end: number, base: number, what: string): U64 {
    const r = readUvarint(buf, p, end);
    if (r !== UV_OK) {
      throw new FormatProblem(r === UV_NEED_MORE ? `${what}: batch data ends inside a varint` : `${what}: varint overflows 64 bits`, base + p);
    }
    return uvValue;
  }

  private readEvents(buf: Uint8Array, start: number, end: number, base: number, time: U64): void {
    let t = u64Num(time);
    if (t > MAX_SAFE) this.ticksInexact = true;
    // Every event and every argument takes a byte at least: room for the whole batch up front,
    // and the columns in locals (the caller drops the batch's events if this throws).
    const room = end - start;
    if (this.nEv + room > this.evType.length) this.growEvents(this.nEv + room);
    if (this.nArgs + room > this.args.length) this.growArgs(this.nArgs + room);
    const evType = this.evType;
    const evTicks = this.evTicks;
    const evArgOff = this.evArgOff;
    const args = this.args;
    let nEv = this.nEv;
    let nArgs = this.nArgs;
    let newer = 0;
    const version = this.version;
    let p = start;
    while (p < end) {
      const typ = buf[p];
      const n = TIMED_EXTRA_ARGS[typ];
      if (n < 0) {
        throw new FormatProblem(
          SPECS[typ] === undefined ? `found invalid event type ${typ} in event batch` : `found event without a timestamp in event batch: type=${SPECS[typ]!.name}`,
          base + p,
        );
      }
      const evStart = p;
      p++;
      // Uvarints of one and two bytes inline (most dts and arguments), longer ones in readUvarint.
      let b = p < end ? buf[p] : 0x80;
      if (b < 0x80) {
        t += b;
        p++;
      } else if (p + 1 < end && buf[p + 1] < 0x80) {
        t += (b & 0x7f) + buf[p + 1] * 128;
        p += 2;
      } else {
        if (readUvarint(buf, p, end) !== UV_OK) throw new FormatProblem(`found invalid uvarint for timestamp of ${SPECS[typ]!.name} event`, base + evStart);
        p = uvPos;
        const dt = uvValue;
        t += typeof dt === 'number' ? dt : Number(dt);
      }
      const i = nEv++;
      evType[i] = typ;
      evTicks[i] = t;
      evArgOff[i] = nArgs;
      for (let k = 0; k < n; k++) {
        b = p < end ? buf[p] : 0x80;
        if (b < 0x80) {
          args[nArgs++] = b;
          p++;
        } else if (p + 1 < end && buf[p + 1] < 0x80) {
          args[nArgs++] = (b & 0x7f) + buf[p + 1] * 128;
          p += 2;
        } else {
          if (readUvarint(buf, p, end) !== UV_OK) throw new FormatProblem(`found invalid uvarint in argument ${k + 1} of ${SPECS[typ]!.name} event`, base + evStart);
          p = uvPos;
          const v = uvValue;
          args[nArgs++] = typeof v === 'number' ? v : this.code(v);
        }
      }
      if (SINCE[typ] > version) newer++;
    }
    this.nEv = nEv;
    this.nArgs = nArgs;
    this.eventsNewer += newer;
    if (t > MAX_SAFE) this.ticksInexact = true;
  }

  private readStrings(buf: Uint8Array, start: number, end: number, base: number): void {
    let p = start;
    while (p < end) {
      const at = p;
      if (buf[p] !== EV_STRING) throw new FormatProblem(`expected string event, got ${buf[p]}`, base + p);
      p++;
      const id = this.uv(buf, p, end, base, 'string id');
      p = uvPos;
      const len = this.uv(buf, p, end, base, 'string length');
      p = uvPos;
      if (typeof len !== 'number' || len > MAX_STRING_SIZE) {
        throw new FormatProblem(`invalid string size ${len}, maximum is ${MAX_STRING_SIZE}`, base + at);
      }
      if (p + len > end) throw new FormatProblem(`failed to read full string: read ${end - p} but wanted ${len}`, base + at);
      const s = utf8.decode(buf.subarray(p, p + len));
      p += len;
      if (this.strings.has(id)) throw new FormatProblem(`multiple strings with the same ID: id=${id}`, base + at);
      this.strings.set(id, s);
    }
  }

  private readStacks(buf: Uint8Array, start: number, end: number, base: number): void {
    let p = start;
    while (p < end) {
      const at = p;
      if (buf[p] !== EV_STACK) throw new FormatProblem(`expected stack event, got ${buf[p]}`, base + p);
      p++;
      const id = this.uv(buf, p, end, base, 'stack id');
      p = uvPos;
      const nFrames = this.uv(buf, p, end, base, 'stack frame count');
      p = uvPos;
      if (typeof nFrames !== 'number' || nFrames > MAX_FRAMES_PER_STACK) {
        throw new FormatProblem(`invalid stack size ${nFrames}, maximum is ${MAX_FRAMES_PER_STACK}`, base + at);
      }
      const pcs: U64[] = new Array(nFrames);
      for (let i = 0; i < nFrames; i++) {
        const pc = this.uv(buf, p, end, base, `frame ${i + 1} PC of stack ${id}`);
        p = uvPos;
        const funcId = this.uv(buf, p, end, base, `frame ${i + 1} func ID of stack ${id}`);
        p = uvPos;
        const fileId = this.uv(buf, p, end, base, `frame ${i + 1} file ID of stack ${id}`);
        p = uvPos;
        const line = this.uv(buf, p, end, base, `frame ${i + 1} line of stack ${id}`);
        p = uvPos;
        pcs[i] = pc;
        if (!this.rawFrames.has(pc)) this.rawFrames.set(pc, { pc, funcId, fileId, line });
      }
      if (this.stacks.has(id)) throw new FormatProblem(`multiple stacks with the same ID: id=${id}`, base + at);
      this.stacks.set(id, pcs);
    }
  }

  private readCpuSamples(buf: Uint8Array, start: number, end: number, base: number): void {
    let p = start;
    while (p < end) {
      if (buf[p] !== EV_CPUSAMPLE) throw new FormatProblem(`expected CPU sample event, got ${buf[p]}`, base + p);
      p++;
      if ((this.nCpu + 1) * 5 > this.cpu.length) {
        const a = new Float64Array(Math.max(64 * 5, this.cpu.length * 2));
        a.set(this.cpu);
        this.cpu = a;
      }
      const o = this.nCpu * 5;
      for (let k = 0; k < 5; k++) {
        const v = this.uv(buf, p, end, base, 'CPU sample');
        p = uvPos;
        if (k === 0) {
          const n = u64Num(v);
          if (n > MAX_SAFE) this.ticksInexact = true;
          this.cpu[o] = n;
        } else {
          this.cpu[o + k] = this.code(v);
        }
      }
      this.nCpu++;
    }
  }

  private readSync(buf: Uint8Array, start: number, end: number, base: number, batchTime: U64): void {
    let p = start;
    let last: U64 = batchTime;
    while (p < end) {
      const at = p;
      const b = buf[p];
      p++;
      if (b === Ev.Frequency) {
        if (this.hasFreq) throw new FormatProblem('found multiple frequency events', base + at);
        this.ticksPerSec = this.uv(buf, p, end, base, 'frequency');
        p = uvPos;
        this.hasFreq = true;
      } else if (b === Ev.ClockSnapshot && this.version >= 25) {
        if (this.clock !== null) throw new FormatProblem('found multiple clock snapshot events', base + at);
        const dt = this.uv(buf, p, end, base, 'clock snapshot dt');
        p = uvPos;
        last = typeof last === 'number' && typeof dt === 'number' && last + dt <= MAX_SAFE ? last + dt : uAdd(last, dt);
        const mono = this.uv(buf, p, end, base, 'clock snapshot mono');
        p = uvPos;
        const sec = this.uv(buf, p, end, base, 'clock snapshot sec');
        p = uvPos;
        const nsec = this.uv(buf, p, end, base, 'clock snapshot nsec');
        p = uvPos;
        this.clock = { ticks: last, mono, sec, nsec };
      } else {
        throw new FormatProblem(`expected frequency or clock snapshot event, got ${b}`, base + at);
      }
    }
  }

  /** Validates the generation and freezes it. Throws FormatProblem. */
  finish(index: number, end: number, endMarker: boolean): Generation {
    if (!this.hasFreq) throw new FormatProblem('no frequency event found', this.offset);
    if (this.version >= 25 && this.clock === null) throw new FormatProblem('no clock snapshot event found', this.offset);
    const str = (id: U64): string | undefined => (isU64(id, 0) ? '' : this.strings.get(id));
    const frames = new Map<U64, Frame>();
    for (const [sid, pcs] of this.stacks) {
      for (const pc of pcs) {
        if (frames.has(pc)) continue;
        const f = this.rawFrames.get(pc)!;
        const func = str(f.funcId);
        if (func === undefined) throw new FormatProblem(`found invalid func string ID ${f.funcId} for stack ${sid}`, this.offset);
        const file = str(f.fileId);
        if (file === undefined) throw new FormatProblem(`found invalid file string ID ${f.fileId} for stack ${sid}`, this.offset);
        frames.set(pc, { pc, func, file, line: f.line, funcId: f.funcId, fileId: f.fileId });
      }
    }
    // Every stack/string reference of every event must resolve (id 0 always does).
    const { evType, evArgOff, args } = this;
    const stackIds = denseIds(this.stacks.keys(), this.stacks.size);
    const stringIds = denseIds(this.strings.keys(), this.strings.size);
    for (let i = 0; i < this.nEv; i++) {
      const typ = evType[i];
      const s1 = STACK_ARG_1[typ];
      const r1 = STRING_ARG_1[typ];
      if (s1 < 0 && r1 < 0) continue;
      const off = evArgOff[i];
      if (s1 >= 0) {
        this.checkRef(this.stacks, stackIds, 'stack', args[off + s1], i, typ);
        const s2 = STACK_ARG_2[typ];
        if (s2 >= 0) this.checkRef(this.stacks, stackIds, 'stack', args[off + s2], i, typ);
      }
      if (r1 >= 0) {
        this.checkRef(this.strings, stringIds, 'string', args[off + r1], i, typ);
        const r2 = STRING_ARG_2[typ];
        if (r2 >= 0) this.checkRef(this.strings, stringIds, 'string', args[off + r2], i, typ);
      }
    }
    const n = this.nCpu;
    const cols = [0, 1, 2, 3, 4].map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) for (let k = 0; k < 5; k++) cols[k][i] = this.cpu[i * 5 + k];
    const f = u64Num(this.ticksPerSec);
    const nsPerTick = 1.0 / (f / 1e9);
    const g: Generation = {
      gen: this.gen,
      version: this.version,
      index,
      offset: this.offset,
      end,
      ticksPerSec: this.ticksPerSec,
      nsPerTick,
      clock: this.clock,
      minTicks: this.minTicks,
      syncTimeNs: Math.trunc(u64Num(this.minTicks) * nsPerTick),
      strings: this.strings,
      stacks: this.stacks,
      frames,
      cpuSamples: { count: n, ticks: cols[0], m: cols[1], p: cols[2], g: cols[3], stack: cols[4] },
      batches: this.batches,
      ms: this.ms,
      batchesByM: this.batchesByM,
      events: {
        count: this.nEv,
        type: this.evType.slice(0, this.nEv),
        ticks: this.evTicks.slice(0, this.nEv),
        argOff: this.evArgOff.slice(0, this.nEv),
        args: this.args.slice(0, this.nArgs),
      },
      bigs: this.bigs,
      experimental: this.experimental,
      eventsNewerThanVersion: this.eventsNewer,
      ticksInexact: this.ticksInexact,
      endMarker,
    };
    // The columns above are exact-size copies: the grown buffers go to the next generation.
    spareBuffers = { evType: this.evType, evTicks: this.evTicks, evArgOff: this.evArgOff, args: this.args };
    return g;
  }

  /** Event i (of type typ) refers to id code c in `table` (its stacks or strings; `dense`: denseIds of it). */
  private checkRef(table: Map<U64, unknown>, dense: Uint8Array | null, what: 'stack' | 'string', c: number, i: number, typ: number): void {
    if (c === 0 || (dense !== null && c > 0 && c < dense.length && dense[c] === 1)) return;
    if (!table.has(c >= 0 ? c : this.decode(c))) {
      throw new FormatProblem(`found invalid ${what} ID ${this.decodeStr(c)} for event ${SPECS[typ]!.name}`, this.eventOffset(i));
    }
  }

  private decode(c: number): U64 {
    return c === -1 ? U64_MAX : this.bigs[-2 - c];
  }

  private decodeStr(c: number): string {
    return String(c >= 0 ? c : this.decode(c));
  }

  /** File offset of the batch holding event i (events are not individually located). */
  private eventOffset(i: number): number {
    for (const b of this.batches) if (b.kind === 'events' && i >= b.first && i < b.first + b.count) return b.offset;
    return this.offset;
  }
}

function uAdd(a: U64, b: U64): U64 {
  const s = BigInt(a) + BigInt(b);
  const w = s & U64_MAX; // uint64 wrap-around, like Go
  return w <= BigInt(MAX_SAFE) ? Number(w) : w;
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const EMPTY = new Uint8Array(0);

/** Parsed batch header (internal). */
interface BatchHeader {
  exp: number;
  gen: U64;
  m: U64;
  time: U64;
  size: number;
  /** Bytes taken by the header. */
  hdrLen: number;
}

/**
 * Parses a batch header at buf[pos]. Returns null when more bytes are needed; throws
 * FormatProblem for an invalid header. Caller has checked buf[pos] is a batch byte.
 */
function parseBatchHeader(buf: Uint8Array, pos: number, base: number): BatchHeader | null {
  const end = buf.length;
  let p = pos + 1;
  let exp = 0;
  if (buf[pos] === Ev.ExperimentalBatch) {
    if (p >= end) return null;
    exp = buf[p++];
  }
  const fields: U64[] = [];
  const names = ['gen', 'M ID', 'timestamp', 'size'];
  for (let k = 0; k < 4; k++) {
    const r = readUvarint(buf, p, end);
    if (r === UV_NEED_MORE) return null;
    if (r !== UV_OK) throw new FormatProblem(`error reading batch ${names[k]}: varint overflows a 64-bit integer`, base + pos);
    fields.push(uvValue);
    p = uvPos;
  }
  const size = fields[3];
  if (typeof size !== 'number' || size > MAX_BATCH_SIZE) {
    throw new FormatProblem(`invalid batch size ${size}, maximum is ${MAX_BATCH_SIZE}`, base + pos);
  }
  return { exp, gen: fields[0], m: fields[1], time: fields[2], size, hdrLen: p - pos };
}

/**
 * Incremental generation reader for one Go 1.22+ trace. Feed it the bytes *after* the
 * 16-byte header with push(); it returns the generations completed so far. Call finish()
 * at end of input. After a problem it ignores further input; see `warning` and `partial`.
 */
export class GenerationStream {
  private pending: Uint8Array = EMPTY;
  /** File offset of pending[0]. */
  private pendingOffset: number;
  /** Chunks received after `pending` while waiting for `need` bytes (not yet concatenated). */
  private waiting: Uint8Array[] = [];
  private waitingBytes = 0;
  /** Bytes (from pending[0]) needed before parsing can make progress. */
  private need = 0;
  private cur: GenerationBuilder | null = null;
  private index = 0;
  private done = false;
  private sawBatch = false;
  private carry: Generation | null = null;
  /** The first problem found (null while the input is fine). */
  warning: DecodeError | null = null;
  /**
   * The generation that was being read when the input stopped or broke, if its tables
   * were complete enough to validate. Go's own reader would still show its events; it is
   * not returned as a complete generation because it may lack batches.
   */
  partial: Generation | null = null;

  constructor(
    readonly version: GoTraceV2Version,
    startOffset: number = HEADER_SIZE,
  ) {
    this.pendingOffset = startOffset;
  }

  /** Bytes fully consumed so far (file offset). */
  get consumed(): number {
    return this.pendingOffset;
  }

  get failed(): boolean {
    return this.warning !== null;
  }

  /**
   * Feeds more bytes; returns the generations completed by them. The stream may keep a
   * reference to `chunk` until the batch it belongs to is complete: do not modify it.
   */
  push(chunk: Uint8Array): Generation[] {
    const out: Generation[] = [];
    if (this.done || chunk.length === 0) return out;
    // Small chunks while a big batch is incomplete: just collect them (no re-copying).
    if (this.pending.length + this.waitingBytes + chunk.length < this.need) {
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      return out;
    }
    const buf = this.pending.length === 0 && this.waiting.length === 0 ? chunk : concatAll([this.pending, ...this.waiting, chunk]);
    this.waiting = [];
    this.waitingBytes = 0;
    this.need = 0;
    const base = this.pendingOffset;
    let pos = 0;
    try {
      while (pos < buf.length) {
        const b = buf[pos];
        if (b === Ev.EndOfGeneration) {
          if (this.version < 26) throw new FormatProblem(`unexpected EndOfGeneration event in a Go 1.${this.version} trace`, base + pos);
          if (this.cur === null) throw new FormatProblem('EndOfGeneration without any batch: no frequency event found', base + pos);
          const g = this.cur;
          this.cur = null;
          out.push(this.finishGen(g, base + pos + 1, true));
          pos++;
          continue;
        }
        if (b !== Ev.EventBatch && b !== Ev.ExperimentalBatch) {
          throw new FormatProblem(`expected batch event, got event ${b}`, base + pos);
        }
        const h = parseBatchHeader(buf, pos, base);
        if (h === null) {
          this.need = buf.length - pos + 1;
          break;
        }
        const dataStart = pos + h.hdrLen;
        if (dataStart + h.size > buf.length) {
          this.need = h.hdrLen + h.size;
          break;
        }
        this.sawBatch = true;
        const done = this.startBatch(h.gen, base + pos);
        if (done !== null) out.push(done);
        this.cur!.addBatch(h.exp, h.m, h.time, buf, dataStart, dataStart + h.size, base, base + pos);
        pos = dataStart + h.size;
      }
    } catch (e) {
      if (!(e instanceof FormatProblem)) throw e;
      if (this.carry !== null) out.push(this.carry);
      this.carry = null;
      this.fail(e.message, e.offset);
      this.pendingOffset = base + pos;
      this.pending = EMPTY;
      return out;
    }
    this.pendingOffset = base + pos;
    // Keep only the unconsumed tail (copied, so the caller's chunk can be released).
    this.pending = pos === buf.length ? EMPTY : buf.slice(pos);
    return out;
  }

  /** Signals end of input; returns the last generation if it is complete. */
  finish(): Generation[] {
    const out: Generation[] = [];
    if (this.done) return out;
    this.done = true;
    const at = this.pendingOffset;
    if (this.waiting.length > 0) {
      this.pending = concatAll([this.pending, ...this.waiting]);
      this.waiting = [];
      this.waitingBytes = 0;
    }
    try {
      if (this.pending.length > 0) {
        // A torn batch (or header). Before 1.26 a torn batch of the *next* generation still
        // proves the current one complete.
        let h: BatchHeader | null = null;
        try {
          h = parseBatchHeader(this.pending, 0, at);
        } catch {
          h = null;
        }
        if (this.version < 26 && h !== null && this.cur !== null && h.gen === u64Inc(this.cur.gen)) {
          const g = this.cur;
          this.cur = null;
          out.push(this.finishGen(g, at, false));
        }
        const what =
          h === null
            ? `truncated batch header (${this.pending.length} bytes at end of input)`
            : `truncated batch: header announces ${h.size} bytes of data but only ${this.pending.length - h.hdrLen} remain`;
        throw new FormatProblem(`${what}; trace likely truncated`, at);
      }
      if (this.cur !== null) {
        if (this.version >= 26) throw new FormatProblem('incomplete generation found (no EndOfGeneration); trace likely truncated', at);
        const g = this.cur;
        this.cur = null;
        out.push(this.finishGen(g, at, false));
      } else if (!this.sawBatch && this.version < 26) {
        // Go reports this for a header-only pre-1.26 trace.
        throw new FormatProblem('no frequency event found (the trace holds no batches)', at);
      }
    } catch (e) {
      if (!(e instanceof FormatProblem)) throw e;
      this.fail(e.message, e.offset);
    }
    this.pending = EMPTY;
    dropSpareBuffers();
    return out;
  }

  /** Handles the generation of a new batch; returns a generation completed by it, if any. */
  private startBatch(gen: U64, offset: number): Generation | null {
    if (isU64(gen, 0)) throw new FormatProblem('invalid generation number 0', offset);
    const cur = this.cur;
    if (cur === null) {
      this.cur = new GenerationBuilder(gen, this.version, offset);
      return null;
    }
    if (gen === cur.gen) return null;
    if (this.version >= 26) {
      throw new FormatProblem('broken trace: missing end-of-generation event, or generations are interleaved', offset);
    }
    if (gen !== u64Inc(cur.gen)) {
      // Go gives up on the whole read here; we keep the generation before the jump (it
      // was followed by a batch of another generation, so it is as complete as it gets).
      this.cur = null;
      this.carry = this.finishGen(cur, offset, false);
      throw new FormatProblem(`generations out of order: batch of generation ${gen} after generation ${cur.gen}`, offset);
    }
    this.cur = null;
    const done = this.finishGen(cur, offset, false);
    this.cur = new GenerationBuilder(gen, this.version, offset);
    return done;
  }

  private finishGen(b: GenerationBuilder, end: number, marker: boolean): Generation {
    try {
      const g = b.finish(this.index, end, marker);
      this.index++;
      return g;
    } catch (e) {
      if (e instanceof FormatProblem) {
        throw new FormatProblem(`generation ${b.gen} (at byte offset ${b.offset}) is invalid: ${e.message}`, e.offset);
      }
      throw e;
    }
  }

  private fail(message: string, offset: number): void {
    this.done = true;
    this.warning = new DecodeError(GOTRACE_FORMAT, message, { offset });
    const cur = this.cur;
    this.cur = null;
    if (cur !== null && cur.batches.length > 0) {
      try {
        this.partial = cur.finish(this.index, offset, false);
      } catch {
        this.partial = null;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Convenience drivers.

export interface ReadOptions {
  /** Bytes handed to the stream per step (default 1 MiB). */
  chunkSize?: number;
  /** Called after each chunk with (bytes done, bytes total). May throw CancelledError. */
  onProgress?: ProgressFn;
}

export interface ReadEnd {
  header: GoTraceHeader;
  /** Number of complete generations produced. */
  generations: number;
  /** The first problem, if any (everything before it was produced). */
  warning: DecodeError | null;
  /** See GenerationStream.partial. */
  partial: Generation | null;
  /** Bytes consumed up to the end or the problem. */
  bytesRead: number;
}

/**
 * Yields the generations of a whole in-memory trace one by one; the generator's return value
 * summarises the read. Throws DecodeError only for a bad or unsupported header. A legacy
 * (Go 1.11–1.21) trace yields its one converted generation (v1/), or nothing and a warning.
 */
export function* readGenerations(bytes: Uint8Array, opts: ReadOptions = {}): Generator<Generation, ReadEnd, void> {
  const header = readGoTraceHeader(bytes);
  if (header.kind === 'legacy') {
    const r = readLegacyTrace(bytes, header.version, header.size, opts);
    if (r.gen !== null) yield r.gen;
    return { header, generations: r.gen === null ? 0 : 1, warning: r.warning, partial: null, bytesRead: r.gen === null ? (r.warning?.where.offset ?? header.size) : bytes.length };
  }
  const stream = new GenerationStream(header.version, header.size);
  const chunk = Math.max(1, opts.chunkSize ?? 1 << 20);
  let count = 0;
  for (let p = header.size; p < bytes.length && !stream.failed; p += chunk) {
    const end = Math.min(bytes.length, p + chunk);
    for (const g of stream.push(bytes.subarray(p, end))) {
      count++;
      yield g;
    }
    opts.onProgress?.(end, bytes.length);
  }
  for (const g of stream.finish()) {
    count++;
    yield g;
  }
  opts.onProgress?.(bytes.length, bytes.length);
  return { header, generations: count, warning: stream.warning, partial: stream.partial, bytesRead: stream.consumed };
}

export interface ReadResult extends ReadEnd {
  list: Generation[];
}

/** Reads a whole in-memory trace (all generations held at once). */
export function readGoTrace(bytes: Uint8Array, opts: ReadOptions = {}): ReadResult {
  const list: Generation[] = [];
  const it = readGenerations(bytes, opts);
  for (;;) {
    const r = it.next();
    if (r.done) return { ...r.value, list };
    list.push(r.value);
  }
}

/**
 * Streaming variant: reads chunks from `source` (e.g. Blob slices), yielding generations as
 * they complete, so only the generation being read is buffered. `total` is for progress.
 */
export async function* readGenerationsAsync(
  source: AsyncIterable<Uint8Array>,
  total: number,
  opts: Pick<ReadOptions, 'onProgress'> = {},
): AsyncGenerator<Generation, ReadEnd, void> {
  let head: Uint8Array = EMPTY;
  let stream: GenerationStream | null = null;
  let header: GoTraceHeader | null = null;
  let done = 0;
  let count = 0;
  // Legacy traces keep frequency and stacks at the end: they are gathered whole.
  const legacyParts: Uint8Array[] = [];
  for await (const chunk of source) {
    done += chunk.length;
    let data = chunk;
    if (header?.kind === 'legacy') {
      legacyParts.push(chunk);
      opts.onProgress?.(done, total);
      continue;
    }
    if (header === null) {
      head = concat(head, chunk);
      if (head.length < HEADER_SIZE) continue;
      header = readGoTraceHeader(head);
      if (header.kind === 'legacy') {
        legacyParts.push(head);
        continue;
      }
      stream = new GenerationStream(header.version, header.size);
      data = head.subarray(header.size);
      head = EMPTY;
    }
    for (const g of stream!.push(data)) {
      count++;
      yield g;
    }
    opts.onProgress?.(done, total);
    if (stream!.failed) break;
  }
  if (header === null) header = readGoTraceHeader(head); // throws: too short or not a trace
  if (header.kind === 'legacy') {
    const all = concatAll(legacyParts);
    const r = readLegacyTrace(all, header.version, header.size);
    if (r.gen !== null) yield r.gen;
    return { header, generations: r.gen === null ? 0 : 1, warning: r.warning, partial: null, bytesRead: r.gen === null ? (r.warning?.where.offset ?? header.size) : all.length };
  }
  const s = stream!;
  for (const g of s.finish()) {
    count++;
    yield g;
  }
  return { header, generations: count, warning: s.warning, partial: s.partial, bytesRead: s.consumed };
}

/** Chunks of a Blob/File read with slice(), for readGenerationsAsync. */
export async function* blobChunks(blob: Blob, chunkSize = 4 << 20): AsyncGenerator<Uint8Array, void, void> {
  for (let p = 0; p < blob.size; p += chunkSize) {
    yield new Uint8Array(await blob.slice(p, Math.min(blob.size, p + chunkSize)).arrayBuffer());
  }
}
