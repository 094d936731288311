// Decoder for pprof's profile.proto that writes straight into the typed-array model.
//
// Why hand-written over protobufjs reflection: reflection builds decoders with
// Function() (forbidden by our CSP) and returns a Long object per int64. We drive
// protobufjs's minimal Reader for tags, lengths and strings, and read int64 varints
// ourselves into two uint32 halves, so ids and values become plain numbers and
// addresses become exact BigInts (kernel addresses exceed 2^53). Samples — most of
// the bytes — are read straight from the Uint8Array in the usual encoding Go writes
// (one-byte keys, packed fields, varints under 2^28); anything else takes the Reader.
//
// Samples come before the locations they reference (Go writes them first), so: the
// samples are decoded as the inflated bytes arrive (LeadingSamples, keeping location ids),
// then pass A decodes everything else, the ids become location rows, and model/stackBuild
// interns all stacks into the function prefix tree at once (in an order that keeps that
// tree in cache). Inputs LeadingSamples does not take, and every error, go through two
// passes over the whole message instead: pass A, then pass B decoding the samples.

import pb from 'protobufjs/minimal.js';
import { float64s, int32s } from '../../model/builder';
import { buildSampleStacks, SampleGrouping, sharedPrefixes, type SharedPrefixes } from '../../model/stackBuild';
import {
  FuncKind,
  MAPPING_HAS_FILENAMES,
  MAPPING_HAS_FUNCTIONS,
  MAPPING_HAS_INLINE_FRAMES,
  MAPPING_HAS_LINE_NUMBERS,
  type StackProfile,
  type ValueType,
} from '../../model/profile';
import { DecodeError, type ProgressFn } from '../errors';
import { compileFrameFilter, simplifyFuncName } from './prune';
import { pprofDisplayName, unsymbolizedName } from '../../model/names';

type Reader = InstanceType<typeof pb.Reader>;
const FMT = 'pprof';
const TWO32 = 4294967296;

// Scratch halves of the last varint64 read; module-level so the hot path allocates nothing.
let lo = 0;
let hi = 0;

function truncated(r: Reader, what: string): never {
  throw new DecodeError(FMT, `input ends inside ${what}; expected more bytes of a profile.proto message`, { offset: r.pos });
}

/** Reads a varint of up to 64 bits into (lo, hi). */
function varint64(r: Reader, end: number): void {
  const buf = r.buf;
  let pos = r.pos;
  let b: number;
  lo = 0;
  hi = 0;
  if (pos + 10 > end) return varint64Checked(r, end);
  b = buf[pos++]; lo = b & 0x7f; if (b < 0x80) { r.pos = pos; return; }
  b = buf[pos++]; lo |= (b & 0x7f) << 7; if (b < 0x80) { r.pos = pos; return; }
  b = buf[pos++]; lo |= (b & 0x7f) << 14; if (b < 0x80) { r.pos = pos; return; }
  b = buf[pos++]; lo |= (b & 0x7f) << 21; if (b < 0x80) { r.pos = pos; return; }
  b = buf[pos++]; lo = (lo | ((b & 0x0f) << 28)) >>> 0; hi = (b & 0x7f) >> 4; if (b < 0x80) { r.pos = pos; return; }
  b = buf[pos++]; hi |= (b & 0x7f) << 3; if (b < 0x80) { r.pos = pos; return; }
  b = buf[pos++]; hi |= (b & 0x7f) << 10; if (b < 0x80) { r.pos = pos; return; }
  b = buf[pos++]; hi |= (b & 0x7f) << 17; if (b < 0x80) { r.pos = pos; return; }
  b = buf[pos++]; hi |= (b & 0x7f) << 24; if (b < 0x80) { r.pos = pos; hi >>>= 0; return; }
  b = buf[pos++]; hi = (hi | ((b & 0x01) << 31)) >>> 0; if (b < 0x80) { r.pos = pos; return; }
  throw new DecodeError(FMT, 'varint longer than 10 bytes; expected a protobuf varint', { offset: r.pos });
}

function varint64Checked(r: Reader, end: number): void {
  const buf = r.buf;
  let pos = r.pos;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) truncated(r, 'a varint');
    const b = buf[pos++];
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo = (lo | ((b & 0x0f) << 28)) >>> 0;
      hi = (b & 0x7f) >> 4;
    } else hi = (hi | ((b & 0x7f) << (7 * i - 32))) >>> 0;
    if (b < 0x80) {
      r.pos = pos;
      hi >>>= 0;
      return;
    }
  }
  throw new DecodeError(FMT, 'varint longer than 10 bytes; expected a protobuf varint', { offset: r.pos });
}

/** uint64 as a number; callers use it only where values stay far below 2^53. */
function u64(r: Reader, end: number): number {
  varint64(r, end);
  return hi * TWO32 + lo;
}

/** int64 (two's complement varint) as a number. */
function i64(r: Reader, end: number): number {
  varint64(r, end);
  if (hi & 0x80000000) {
    const nlo = (~lo + 1) >>> 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    return -(nhi * TWO32 + nlo);
  }
  return hi * TWO32 + lo;
}

/** uint64 exactly, as a BigInt (addresses). */
function u64big(r: Reader, end: number): bigint {
  varint64(r, end);
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/** int64 exactly, as a BigInt (epoch nanoseconds). */
function i64big(r: Reader, end: number): bigint {
  varint64(r, end);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

/**
 * Ids are uint64. Ids below 2^53 are used as numbers; larger ones get a distinct
 * negative key so they can neither collide nor be rounded.
 */
const bigIds = new Map<bigint, number>();
function idKey(r: Reader, end: number): number {
  varint64(r, end);
  if (hi < 0x200000) return hi * TWO32 + lo;
  const big = (BigInt(hi) << 32n) | BigInt(lo);
  let k = bigIds.get(big);
  if (k === undefined) {
    k = -(bigIds.size + 1);
    bigIds.set(big, k);
  }
  return k;
}

function tag(r: Reader, end: number): number {
  varint64(r, end);
  if (hi !== 0 || lo > 0x7fffffff) throw new DecodeError(FMT, 'field tag out of range; expected a protobuf field key', { offset: r.pos });
  return lo;
}

/** Length of a length-delimited field, checked against the enclosing message end. */
function len(r: Reader, end: number, what: string): number {
  const at = r.pos;
  const n = u64(r, end);
  if (r.pos + n > end) {
    throw new DecodeError(FMT, `${what} claims ${n} bytes but only ${end - r.pos} remain; the file is truncated or not a profile`, { offset: at });
  }
  return r.pos + n;
}

function skip(r: Reader, wire: number, end: number, field: number): void {
  const at = r.pos;
  switch (wire) {
    case 0:
      varint64(r, end);
      return;
    case 1:
      r.pos += 8;
      break;
    case 2:
      r.pos = len(r, end, `field ${field}`);
      return;
    case 5:
      r.pos += 4;
      break;
    default:
      throw new DecodeError(FMT, `invalid wire type ${wire} for field ${field}; expected a profile.proto message`, { offset: at });
  }
  if (r.pos > end) truncated(r, `field ${field}`);
}

function expectWire(wire: number, want: number, what: string, at: number): void {
  if (wire !== want) {
    throw new DecodeError(FMT, `${what} has wire type ${wire}, expected ${want}; this is not a profile.proto message`, { offset: at });
  }
}

/** Calls `each` for every element of a repeated varint field, packed or not. */
function repeatedVarint(r: Reader, wire: number, end: number, each: () => void): void {
  if (wire === 0) {
    each();
    return;
  }
  if (wire !== 2) throw new DecodeError(FMT, `repeated varint field has wire type ${wire}`, { offset: r.pos });
  const stop = len(r, end, 'packed field');
  while (r.pos < stop) each();
  if (r.pos !== stop) throw new DecodeError(FMT, 'packed varints overrun their field', { offset: r.pos });
}

interface RawValueType {
  type: number;
  unit: number;
}

function valueType(r: Reader, end: number): RawValueType {
  const stop = len(r, end, 'ValueType');
  const vt = { type: 0, unit: 0 };
  while (r.pos < stop) {
    const at = r.pos;
    const t = tag(r, stop);
    const f = t >>> 3;
    if (f === 1) (expectWire(t & 7, 0, 'ValueType.type', at), (vt.type = i64(r, stop)));
    else if (f === 2) (expectWire(t & 7, 0, 'ValueType.unit', at), (vt.unit = i64(r, stop)));
    else skip(r, t & 7, stop, f);
  }
  return vt;
}

export interface PprofDecodeOptions {
  onProgress?: ProgressFn;
  /** Shown to the user, e.g. "pprof protobuf (gzip)". */
  encoding?: string;
  /** The samples of `data`, decoded while it was being inflated (decodeAny); null decodes
   * in two passes as for any input LeadingSamples cannot take (tests compare the two). */
  leading?: LeadingSamples | null;
}

/** Decodes an uncompressed profile.proto message. */
export function decodePprof(data: Uint8Array, opts: PprofDecodeOptions = {}): StackProfile {
  if (opts.leading === null) return decodeProfile(data, opts, null)!;
  const leading = opts.leading ?? new LeadingSamples();
  leading.feed(data, data.length);
  // A profile laid out otherwise than Go writes it, or one with an error in or after its
  // samples, is decoded in two passes as a whole: its errors name the same first fault.
  return (leading.usable() && decodeProfile(data, opts, leading)) || decodeProfile(data, opts, null)!;
}

/**
 * Decodes the message; with `leading`, the samples come from there and pass A steps over
 * them. Returns null (only with `leading`) when they do not fit the rest: a sample under
 * an unusual key, or a location id that is not defined.
 */
function decodeProfile(data: Uint8Array, opts: PprofDecodeOptions, leading: LeadingSamples | null): StackProfile | null {
  bigIds.clear();
  const r = pb.Reader.create(data) as Reader;
  const end = data.length;
  if (end === 0) throw new DecodeError(FMT, 'empty input; expected a profile.proto message', { offset: 0 });
  const progress = opts.onProgress ?? (() => {});

  // ---- pass A: everything but samples ----
  const sampleTypes: RawValueType[] = leading ? leading.sampleTypes.slice() : [];
  let periodType: RawValueType | null = null;
  let period = 0;
  let timeNanos = '0';
  let sawTime = false;
  let durationNanos = 0;
  let dropFrames = 0;
  let keepFrames = 0;
  let defaultSampleType = 0;
  let docUrl = 0;
  const comments: number[] = [];
  const strings: string[] = [];
  // With `leading` the samples are decoded already: no extents (reserving them for the
  // whole file made V8 collect garbage for external memory pressure).
  const extents = new SampleExtents(leading ? 0 : end);
  /** The next of leading's sample runs pass A meets. */
  let run = 0;

  const mapIds: number[] = [];
  const mapStart: bigint[] = [];
  const mapLimit: bigint[] = [];
  const mapOffset: bigint[] = [];
  const mapFile: number[] = [];
  const mapBuild: number[] = [];
  const mapFlags: number[] = [];

  const locIds = float64s(1024);
  const locMappingId = float64s(1024);
  const locAddress: bigint[] = [];
  const locFolded: number[] = [];
  const locLineStart = int32s(1024);
  const lineFuncId = float64s(1024);
  const lineNo = float64s(1024);
  const lineCol = float64s(1024);

  const fnIds: number[] = [];
  const fnName: number[] = [];
  const fnSystem: number[] = [];
  const fnFile: number[] = [];
  const fnStartLine: number[] = [];

  while (r.pos < end) {
    const at = r.pos;
    if (data[at] === 0x12) {
      // Profile.sample, most of the file: only extents here (pass B decodes them).
      if (leading) {
        // Decoded already: step over the run (or read over samples it did not take, which fails).
        const runEnd = leading.runEnd(run++, at);
        if (runEnd >= 0) r.pos = runEnd;
        else skipSamples(r, end);
      } else extents.scan(r, end);
      continue;
    }
    const t = tag(r, end);
    const field = t >>> 3;
    const wire = t & 7;
    switch (field) {
      case 1:
        expectWire(wire, 2, 'Profile.sample_type', at);
        if (leading) {
          r.pos = len(r, end, 'ValueType'); // already in leading.sampleTypes
          break;
        }
        sampleTypes.push(valueType(r, end));
        break;
      case 2: {
        expectWire(wire, 2, 'Profile.sample', at);
        if (leading) return null;
        const stop = len(r, end, 'Sample');
        extents.add(r.pos, stop);
        r.pos = stop;
        break;
      }
      case 3: {
        expectWire(wire, 2, 'Profile.mapping', at);
        const stop = len(r, end, 'Mapping');
        let id = 0, file = 0, build = 0, flags = 0;
        let start = 0n, limit = 0n, offset = 0n;
        while (r.pos < stop) {
          const fat = r.pos;
          const ft = tag(r, stop);
          const f = ft >>> 3;
          if (f >= 1 && f <= 10) expectWire(ft & 7, 0, `Mapping field ${f}`, fat);
          switch (f) {
            case 1: id = idKey(r, stop); break;
            case 2: start = u64big(r, stop); break;
            case 3: limit = u64big(r, stop); break;
            case 4: offset = u64big(r, stop); break;
            case 5: file = i64(r, stop); break;
            case 6: build = i64(r, stop); break;
            case 7: if (u64(r, stop)) flags |= MAPPING_HAS_FUNCTIONS; break;
            case 8: if (u64(r, stop)) flags |= MAPPING_HAS_FILENAMES; break;
            case 9: if (u64(r, stop)) flags |= MAPPING_HAS_LINE_NUMBERS; break;
            case 10: if (u64(r, stop)) flags |= MAPPING_HAS_INLINE_FRAMES; break;
            default: skip(r, ft & 7, stop, f);
          }
        }
        mapIds.push(id); mapStart.push(start); mapLimit.push(limit); mapOffset.push(offset);
        mapFile.push(file); mapBuild.push(build); mapFlags.push(flags);
        break;
      }
      case 4: {
        expectWire(wire, 2, 'Profile.location', at);
        const stop = len(r, end, 'Location');
        let id = 0, mapping = 0, folded = 0;
        let address = 0n;
        locLineStart.push(lineFuncId.length);
        while (r.pos < stop) {
          const fat = r.pos;
          const ft = tag(r, stop);
          const f = ft >>> 3;
          switch (f) {
            case 1: expectWire(ft & 7, 0, 'Location.id', fat); id = idKey(r, stop); break;
            case 2: expectWire(ft & 7, 0, 'Location.mapping_id', fat); mapping = idKey(r, stop); break;
            case 3: expectWire(ft & 7, 0, 'Location.address', fat); address = u64big(r, stop); break;
            case 4: {
              expectWire(ft & 7, 2, 'Location.line', fat);
              const lstop = len(r, stop, 'Line');
              let fn = 0, line = 0, col = 0;
              while (r.pos < lstop) {
                const lat = r.pos;
                const lt = tag(r, lstop);
                const lf = lt >>> 3;
                if (lf === 1) (expectWire(lt & 7, 0, 'Line.function_id', lat), (fn = idKey(r, lstop)));
                else if (lf === 2) (expectWire(lt & 7, 0, 'Line.line', lat), (line = i64(r, lstop)));
                else if (lf === 3) (expectWire(lt & 7, 0, 'Line.column', lat), (col = i64(r, lstop)));
                else skip(r, lt & 7, lstop, lf);
              }
              lineFuncId.push(fn); lineNo.push(line); lineCol.push(col);
              break;
            }
            case 5: expectWire(ft & 7, 0, 'Location.is_folded', fat); folded = u64(r, stop) ? 1 : 0; break;
            default: skip(r, ft & 7, stop, f);
          }
        }
        if (id === 0) throw new DecodeError(FMT, 'location with id 0; expected non-zero location ids', { offset: at });
        locIds.push(id); locMappingId.push(mapping); locAddress.push(address); locFolded.push(folded);
        break;
      }
      case 5: {
        expectWire(wire, 2, 'Profile.function', at);
        const stop = len(r, end, 'Function');
        let id = 0, name = 0, system = 0, file = 0, startLine = 0;
        while (r.pos < stop) {
          const fat = r.pos;
          const ft = tag(r, stop);
          const f = ft >>> 3;
          if (f >= 1 && f <= 5) expectWire(ft & 7, 0, `Function field ${f}`, fat);
          switch (f) {
            case 1: id = idKey(r, stop); break;
            case 2: name = i64(r, stop); break;
            case 3: system = i64(r, stop); break;
            case 4: file = i64(r, stop); break;
            case 5: startLine = i64(r, stop); break;
            default: skip(r, ft & 7, stop, f);
          }
        }
        if (id === 0) throw new DecodeError(FMT, 'function with id 0; expected non-zero function ids', { offset: at });
        fnIds.push(id); fnName.push(name); fnSystem.push(system); fnFile.push(file); fnStartLine.push(startLine);
        break;
      }
      case 6: {
        expectWire(wire, 2, 'Profile.string_table', at);
        const stop = len(r, end, 'string');
        strings.push(decodeUtf8(data, r.pos, stop));
        r.pos = stop;
        break;
      }
      case 7: expectWire(wire, 0, 'Profile.drop_frames', at); dropFrames = i64(r, end); break;
      case 8: expectWire(wire, 0, 'Profile.keep_frames', at); keepFrames = i64(r, end); break;
      case 9:
        expectWire(wire, 0, 'Profile.time_nanos', at);
        if (sawTime) {
          throw new DecodeError(FMT, 'a second time_nanos field: this is two profiles concatenated, expected exactly one (merge them with `go tool pprof -proto a b`)', { offset: at });
        }
        sawTime = true;
        timeNanos = i64big(r, end).toString();
        break;
      case 10: expectWire(wire, 0, 'Profile.duration_nanos', at); durationNanos = i64(r, end); break;
      case 11: expectWire(wire, 2, 'Profile.period_type', at); periodType = valueType(r, end); break;
      case 12: expectWire(wire, 0, 'Profile.period', at); period = i64(r, end); break;
      case 13: repeatedVarint(r, wire, end, () => comments.push(i64(r, end))); break;
      case 14: expectWire(wire, 0, 'Profile.default_sample_type', at); defaultSampleType = i64(r, end); break;
      case 15: expectWire(wire, 0, 'Profile.doc_url', at); docUrl = i64(r, end); break;
      default:
        if (field === 0) throw new DecodeError(FMT, 'field number 0; expected a profile.proto field', { offset: at });
        skip(r, wire, end, field);
    }
    if (r.pos > end) truncated(r, `field ${field}`);
  }
  progress(Math.floor(end / 4), end);

  // ---- validate the string table and resolve metadata ----
  if (strings.length === 0) {
    throw new DecodeError(FMT, 'no string table; expected at least the empty string at index 0 (is this really a pprof profile?)', { offset: 0 });
  }
  if (strings[0] !== '') throw new DecodeError(FMT, `string_table[0] is ${JSON.stringify(strings[0].slice(0, 40))}, expected ""`, { offset: 0 });
  const str = (i: number, what: string): string => {
    if (!(i >= 0 && i < strings.length)) {
      throw new DecodeError(FMT, `${what} refers to string ${i} but the string table has ${strings.length} entries`);
    }
    return strings[i];
  };
  const vt = (v: RawValueType, what: string): ValueType => ({ type: str(v.type, `${what}.type`), unit: str(v.unit, `${what}.unit`) });
  const types = sampleTypes.map((v, i) => vt(v, `sample_type[${i}]`));
  if (types.length === 0 && extents.n > 0) throw new DecodeError(FMT, 'samples without sample types; expected at least one sample_type');
  const defaultName = str(defaultSampleType, 'default_sample_type');
  let defaultIndex = types.length - 1;
  if (defaultName) {
    const i = types.findIndex((t) => t.type === defaultName);
    if (i >= 0) defaultIndex = i;
  }

  // Extra strings (synthetic names) go after pprof's own table so its indices stay valid.
  const extra = new Map<string, number>();
  const internExtra = (s: string): number => {
    let i = extra.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      extra.set(s, i);
    }
    return i;
  };

  // ---- mappings ----
  const nMap = mapIds.length;
  const mapRow = new Map<number, number>();
  for (let i = 0; i < nMap; i++) {
    if (mapIds[i] === 0) throw new DecodeError(FMT, `mapping ${i} has id 0; expected non-zero mapping ids`);
    if (mapRow.has(mapIds[i])) throw new DecodeError(FMT, `duplicate mapping id ${mapIds[i]}; expected unique ids (concatenated profiles?)`);
    mapRow.set(mapIds[i], i);
    str(mapFile[i], 'mapping filename');
    str(mapBuild[i], 'mapping build_id');
  }

  // ---- functions ----
  const nFn = fnIds.length;
  const fnRow = new Map<number, number>();
  for (let i = 0; i < nFn; i++) {
    if (fnRow.has(fnIds[i])) throw new DecodeError(FMT, `duplicate function id ${fnIds[i]}; expected unique ids (concatenated profiles?)`);
    fnRow.set(fnIds[i], i);
    str(fnName[i], 'function name');
    str(fnSystem[i], 'function system_name');
    str(fnFile[i], 'function filename');
  }
  // Our functions are keyed by the name pprof prints (names.ts): Function rows that print
  // alike become one function; a row that prints as nothing (-1) is named per mapping.
  const funcName = int32s(nFn + 16);
  const funcRecorded = int32s(nFn + 16);
  const funcFile = int32s(nFn + 16);
  const funcStart = float64s(nFn + 16);
  const funcKind = int32s(nFn + 16);
  const funcByName = new Map<string, number>();
  const addFunc = (name: string, recorded: number, file: number, start: number, kind: number): number => {
    const key = kind === FuncKind.User ? name : `${name}\u0000${kind}`;
    let f = funcByName.get(key);
    if (f === undefined) {
      f = funcName.length;
      funcName.push(name === strings[recorded] ? recorded : internExtra(name));
      funcRecorded.push(recorded);
      funcFile.push(file);
      funcStart.push(start);
      funcKind.push(kind);
      funcByName.set(key, f);
    }
    return f;
  };
  const funcOfFn = new Int32Array(nFn);
  for (let i = 0; i < nFn; i++) {
    const printed = pprofDisplayName(strings[fnName[i]], strings[fnSystem[i]]);
    funcOfFn[i] = printed === '' ? -1 : addFunc(printed, fnName[i] !== 0 ? fnName[i] : fnSystem[i], fnFile[i], fnStartLine[i], FuncKind.User);
  }
  // pprof names a frame without a symbol after its mapping's file ("[libc.so.6]") or
  // "<unknown>"; one synthetic function per such name keeps `-top` rows identical.
  const unsymbolized = (mapping: number): number => {
    const name = unsymbolizedName(mapping >= 0 ? strings[mapFile[mapping]] : '');
    return addFunc(name, internExtra(name), 0, 0, FuncKind.Unsymbolized);
  };

  // ---- drop_frames / keep_frames (applied as `go tool pprof` does on load) ----
  const warnings: string[] = [];
  const filter = compileFrameFilter(str(dropFrames, 'drop_frames'), str(keepFrames, 'keep_frames'), warnings);
  const pruneCache = new Map<number, boolean>();
  const pruneFrom = (fn: number): boolean => {
    let v = pruneCache.get(fn);
    if (v === undefined) {
      const name = strings[funcName.get(fn)];
      v = name !== '' && filter !== null && filter(simplifyFuncName(name));
      pruneCache.set(fn, v);
    }
    return v;
  };

  // ---- locations and their frames ----
  const nLoc = locIds.length;
  locLineStart.push(lineFuncId.length);
  const lineStarts = locLineStart.finish();
  const locMapping = new Int32Array(nLoc);
  const locFrameStart = new Int32Array(nLoc + 1);
  // PRUNE = the whole location matches drop_frames; BENEATH = something at or below it does.
  const locPrune = filter ? new Uint8Array(nLoc) : null;
  const frameFunc = int32s(lineFuncId.length + 16);
  const frameLoc = int32s(lineFuncId.length + 16);
  const frameLine = float64s(lineFuncId.length + 16);
  const frameCol = float64s(lineFuncId.length + 16);
  const frameInl = int32s(lineFuncId.length + 16);
  let maxLocId = 0;
  for (let i = 0; i < nLoc; i++) {
    const id = locIds.get(i);
    if (id > maxLocId) maxLocId = id;
    const mid = locMappingId.get(i);
    let m = -1;
    if (mid !== 0) {
      const row = mapRow.get(mid);
      if (row === undefined) throw new DecodeError(FMT, `location ${id} refers to mapping ${mid}, which is not defined`);
      m = row;
    }
    locMapping[i] = m;
    const ls = lineStarts[i];
    const le = lineStarts[i + 1];
    const fns: number[] = [];
    for (let k = ls; k < le; k++) {
      const fid = lineFuncId.get(k);
      const row = fid === 0 ? undefined : fnRow.get(fid);
      if (fid !== 0 && row === undefined) throw new DecodeError(FMT, `location ${id} refers to function ${fid}, which is not defined`);
      fns.push(row === undefined ? -1 : funcOfFn[row]);
    }
    let first = ls; // first kept line (leaf-most)
    if (locPrune) {
      let k = le - 1;
      for (; k >= ls; k--) if (fns[k - ls] >= 0 && pruneFrom(fns[k - ls])) break;
      if (k >= ls) {
        if (k === le - 1) locPrune[i] = 2;
        else {
          locPrune[i] = 1;
          first = k + 1;
        }
      }
    }
    locFrameStart[i] = frameFunc.length;
    if (le === ls) {
      frameFunc.push(unsymbolized(m)); frameLoc.push(i); frameLine.push(0); frameCol.push(0); frameInl.push(0);
    }
    for (let k = first; k < le; k++) {
      const fn = fns[k - ls];
      frameFunc.push(fn >= 0 ? fn : unsymbolized(m));
      frameLoc.push(i);
      frameLine.push(lineNo.get(k));
      frameCol.push(lineCol.get(k));
      frameInl.push(k < le - 1 ? 1 : 0);
    }
  }
  locFrameStart[nLoc] = frameFunc.length;
  const framesFunc = frameFunc.finish();

  // Location id -> row: dense table for the usual small sequential ids, Map otherwise.
  const dense = maxLocId < 1 << 24 && bigIds.size === 0;
  const locDense = dense ? new Int32Array(maxLocId + 1).fill(-1) : null;
  const locMap = dense ? null : new Map<number, number>();
  // Go numbers locations 1, 2, 3, … in table order: then id - 1 is the row, no lookup needed.
  let sequentialIds = true;
  for (let i = 0; i < nLoc; i++) {
    const id = locIds.get(i);
    if (locDense ? locDense[id] !== -1 : locMap!.has(id)) {
      throw new DecodeError(FMT, `duplicate location id ${id}; expected unique ids (concatenated profiles?)`);
    }
    if (locDense) locDense[id] = i;
    else locMap!.set(id, i);
    if (id !== i + 1) sequentialIds = false;
  }

  // ---- pass B: samples ----
  const nTypes = types.length;
  const ids: LocationIds = { locDense, locMap, sequentialIds: sequentialIds && locDense !== null ? nLoc : 0 };
  const decoded = leading
    ? leading.finish(ids, locPrune)
    : decodeSamples(r, data, ids, extents, nTypes, locPrune, (done) => progress(end / 4 + (done / end) * (end * 0.5), end));
  if (!decoded) return null;
  const { n: nSamples, columns, labelStart, labels, locStart: sampleLocStart, locs: sampleLocation, grouping, shared } = decoded;
  const { stacks, sampleStack } = buildSampleStacks(sampleLocStart, sampleLocation, locFrameStart, framesFunc, funcName.length, grouping, shared);
  // Label strings were read before we knew the table size; check them now.
  const nLabels = labels.length;
  const lk = labels.key.slice(0, nLabels);
  const ls = labels.str.slice(0, nLabels);
  const lu = labels.unit.slice(0, nLabels);
  for (let i = 0; i < nLabels; i++) {
    str(lk[i], 'label key');
    if (ls[i] >= 0) str(ls[i], 'label value');
    if (lu[i] >= 0) str(lu[i], 'label unit');
  }
  progress(end, end);

  const kind = funcKind.finish();
  const encoding = opts.encoding ?? 'pprof protobuf';
  return {
    format: 'pprof',
    encoding,
    strings,
    sampleTypes: types,
    defaultSampleType: defaultIndex,
    periodType: periodType ? vt(periodType, 'period_type') : null,
    period,
    timeNanos,
    durationNanos,
    comments: comments.map((c, i) => str(c, `comment[${i}]`)),
    dropFrames: strings[dropFrames],
    keepFrames: strings[keepFrames],
    docUrl: str(docUrl, 'doc_url'),
    funcs: {
      length: funcName.length,
      name: funcName.finish(),
      recordedName: funcRecorded.finish(),
      fileName: funcFile.finish(),
      startLine: funcStart.finish(),
      kind: Uint8Array.from(kind),
    },
    mappings: {
      length: nMap,
      start: BigUint64Array.from(mapStart),
      limit: BigUint64Array.from(mapLimit),
      offset: BigUint64Array.from(mapOffset),
      fileName: Int32Array.from(mapFile),
      buildId: Int32Array.from(mapBuild),
      flags: Uint8Array.from(mapFlags),
    },
    locations: {
      length: nLoc,
      address: BigUint64Array.from(locAddress),
      mapping: locMapping,
      folded: Uint8Array.from(locFolded),
      frameStart: locFrameStart,
    },
    frames: {
      length: framesFunc.length,
      func: framesFunc,
      location: frameLoc.finish(),
      line: frameLine.finish(),
      column: frameCol.finish(),
      inlined: Uint8Array.from(frameInl.finish()),
    },
    stacks,
    samples: {
      length: nSamples,
      stack: sampleStack,
      locationStart: sampleLocStart,
      location: sampleLocation,
      values: columns,
      time: null,
      labelStart,
    },
    labels: { length: nLabels, key: lk, str: ls, num: labels.num.slice(0, nLabels), unit: lu },
    warnings,
  };
}

/** Where each Sample message lies: pass A finds them, pass B decodes them. */
class SampleExtents {
  /** Each Sample takes at least 2 bytes (key, length), so half the file bounds their count
   * (pages beyond the samples found are never touched, so never committed). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  n = 0;
  constructor(fileBytes: number) {
    this.starts = new Int32Array(Math.max(16, fileBytes >> 1));
    this.ends = new Int32Array(Math.max(16, fileBytes >> 1));
  }
  add(start: number, end: number): void {
    this.starts[this.n] = start;
    this.ends[this.n++] = end;
  }
  /** Records the run of Profile.sample fields (key 0x12) at r.pos; stops at any other field.
   * Its own small function, so the JIT optimizes this loop early in a fresh process. */
  scan(r: Reader, end: number): void {
    const buf = r.buf;
    let pos = r.pos;
    while (pos < end && buf[pos] === 0x12) {
      const stop = fieldEnd(r, pos + 1, end, 'Sample');
      this.add(r.pos, stop);
      pos = stop;
    }
    r.pos = pos;
  }
}

/**
 * The samples of a profile.proto message, decoded as the inflated bytes come in, so that
 * the bulk of the decode overlaps the inflate (off-thread in Node). Samples refer to
 * locations that Go writes after them (or between them), so location ids are kept as
 * id - 1 (the row itself when ids are sequential, as Go writes them) and mapped to rows
 * once the location table is known; every other field is only stepped over, for pass A.
 * Only the usual encodings are read here: anything else, or any error, marks it failed and
 * decodePprof decodes the whole message in two passes, so errors and results never depend
 * on how the input arrived.
 */
export class LeadingSamples {
  /** The first byte not consumed. */
  pos = 0;
  private failed = false;
  readonly sampleTypes: RawValueType[] = [];
  private r: Reader | null = null;
  private n = 0;
  private columns: Float64Array[] = [];
  private labelStart = new Int32Array(0);
  private locStart = new Int32Array(0);
  /** The samples' groups for the stack build, over the stored id - 1 (valid where those are the rows). */
  private readonly grouping = new SampleGrouping();
  /** Runs of consecutive samples in the message: [start, end) pairs, for pass A to step over. */
  private runs = new Int32Array(64);
  private nRuns = 0;
  private locs = new Int32Array(0);
  private labels = new SampleLabels();
  /** Largest id - 1 stored. */
  private maxLoc = -1;
  /** Per sample: how many of its root-most locations it shares with the sample before it
   * (found from their bytes; 0 when not looked for). */
  private shared = new Int32Array(0);
  private sharedSum = 0;
  /** The previous sample's packed location ids: its bytes [prevIdsFrom, prevIdsTo) (-1: it
   * had none, or not as one packed field), and whether each id took one byte. */
  private prevIdsFrom = -1;
  private prevIdsTo = -1;
  private prevIdsOneByte = false;
  /** A view of the buffer being read, for comparing four bytes at a time. */
  private view: DataView | null = null;

  /** Decodes what `out[pos .. filled)` completes; never throws. */
  feed(out: Uint8Array, filled: number): void {
    if (this.failed) return;
    try {
      this.consume(out, filled);
    } catch {
      this.failed = true;
    }
  }

  /** Whether the samples decoded can stand for the message's (pass A checks the rest). */
  usable(): boolean {
    return !this.failed;
  }

  private consume(buf: Uint8Array, filled: number): void {
    let r = this.r;
    if (r === null || r.buf !== buf) {
      r = this.r = pb.Reader.create(buf) as Reader;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    r.len = filled;
    let pos = this.pos;
    while (pos < filled) {
      const key = buf[pos];
      if (key !== 0x0a && key !== 0x12) {
        // Another field of Profile: stepped over (pass A decodes it).
        const after = fieldAfter(buf, pos, filled);
        if (after < 0) break; // not all inflated yet
        pos = this.pos = after;
        continue;
      }
      if (pos + 5 > filled && varintIncomplete(buf, pos + 1, filled)) break;
      const n = varint28(buf, pos + 1, filled);
      if (n < 0) throw new Error('field length beyond 2^28');
      const stop = varintEnd.at + n;
      if (stop > filled) break; // the rest of the field is still being inflated
      if (key === 0x0a) {
        if (this.n > 0) throw new Error('sample_type after samples');
        r.pos = pos + 1;
        this.sampleTypes.push(valueType(r, stop));
      } else {
        if (this.sampleTypes.length === 0) throw new Error('sample before sample_type');
        this.sample(buf, varintEnd.at, stop);
        this.extendRun(pos, stop);
      }
      pos = this.pos = stop;
    }
  }

  private extendRun(start: number, end: number): void {
    const k = this.nRuns;
    if (k > 0 && this.runs[2 * k - 1] === start) this.runs[2 * k - 1] = end;
    else {
      if (2 * k + 2 > this.runs.length) {
        const b = new Int32Array(this.runs.length * 2);
        b.set(this.runs);
        this.runs = b;
      }
      this.runs[2 * k] = start;
      this.runs[2 * k + 1] = end;
      this.nRuns = k + 1;
    }
  }

  /** Where run `i` of samples ends if it starts at `at`, else -1. */
  runEnd(i: number, at: number): number {
    return i < this.nRuns && this.runs[2 * i] === at ? this.runs[2 * i + 1] : -1;
  }

  /** Makes room for one more sample with at most `maxLocs` locations. */
  private reserve(maxLocs: number, hint: number): void {
    const n = this.n;
    if (n + 2 > this.locStart.length) {
      // Room for a sample per 32 bytes (and a label per 64): few growth copies on the usual profile.
      if (n === 0) this.labels = new SampleLabels(Math.max(1024, hint >> 6));
      const cap = Math.max(1024, hint >> 5, this.locStart.length * 2);
      const grow32 = (a: Int32Array) => {
        const b = new Int32Array(cap);
        b.set(a.subarray(0, n + 1));
        return b;
      };
      this.locStart = grow32(this.locStart);
      this.labelStart = grow32(this.labelStart);
      this.shared = grow32(this.shared);
      this.columns = this.sampleTypes.map((_, c) => {
        const b = new Float64Array(cap);
        if (c < this.columns.length) b.set(this.columns[c].subarray(0, n));
        return b;
      });
    }
    const used = this.locStart[n];
    if (used + maxLocs > this.locs.length) {
      // Every id takes at least a byte: the inflated size bounds them all (untouched pages cost nothing).
      const b = new Int32Array(Math.max(used + maxLocs, hint, this.locs.length * 2));
      b.set(this.locs.subarray(0, used));
      this.locs = b;
    }
  }

  /** The Sample message at [pos, stop): Go's encoding only (anything else throws). */
  private sample(buf: Uint8Array, pos: number, stop: number): void {
    this.reserve(stop - pos, buf.length);
    const s = this.n;
    const locs = this.locs;
    const columns = this.columns;
    const nTypes = columns.length;
    const from = this.locStart[s];
    let n = from;
    let maxLoc = this.maxLoc;
    let nVals = 0;
    let idFields = 0;
    let shared = 0;
    let idsFrom = -1;
    let idsTo = -1;
    while (pos < stop) {
      const key = buf[pos];
      if (key === 0x0a) {
        const pstop = fieldEnd(this.r!, pos + 1, stop, 'Sample.location_id');
        pos = this.r!.pos;
        idsFrom = pos;
        idsTo = pstop;
        // Ids that end as the previous sample's did are its root-most locations: copied, not decoded.
        let end = pstop;
        if (idFields++ === 0 && this.prevIdsFrom >= 0) {
          end = this.sharedStart(buf, pos, pstop);
          if (end < pstop) shared = this.prevIdsOneByte ? pstop - end : varintCount(buf, end, pstop);
        }
        while (pos < end) {
          const id = packedId(buf, pos, end);
          if (id < 0) throw new Error('location id beyond 2^28');
          pos = varintEnd.at;
          if (id === 0) throw new Error('location id 0');
          const row = id - 1;
          if (row > maxLoc) maxLoc = row;
          locs[n++] = row;
        }
        // copyWithin for a stack's worth of rows; a few rows (a random order of samples
        // shares only the root or two) cost less than its call in a loop.
        if (shared > 16) {
          locs.copyWithin(n, from - shared, from);
          n += shared;
        } else for (let i = from - shared; i < from; i++) locs[n++] = locs[i];
        pos = pstop;
      } else if (key === 0x12) {
        const r = this.r!;
        const pstop = fieldEnd(r, pos + 1, stop, 'Sample.value');
        pos = r.pos;
        while (pos < pstop) {
          const v = packedValue(r, buf, pos, pstop);
          pos = varintEnd.at;
          if (nVals === nTypes) throw new Error('more values than sample types');
          columns[nVals++][s] = v;
        }
      } else if (key === 0x10) {
        // One value, unpacked (google/pprof's encoder packs only three or more).
        let v = varint28(buf, pos + 1, stop);
        if (v >= 0) pos = varintEnd.at;
        else {
          const r = this.r!;
          r.pos = pos + 1;
          v = i64(r, stop);
          pos = r.pos;
        }
        if (nVals === nTypes) throw new Error('more values than sample types');
        columns[nVals++][s] = v;
      } else if (key === 0x08) {
        // One location id, unpacked (as google/pprof writes one or two).
        const id = varint28(buf, pos + 1, stop);
        if (id <= 0) throw new Error('location id 0 or beyond 2^28');
        pos = varintEnd.at;
        const row = id - 1;
        if (row > maxLoc) maxLoc = row;
        locs[n++] = row;
        idFields += 2;
      } else if (key === 0x1a) pos = sampleLabel(this.r!, buf, pos + 1, stop, this.labels);
      else throw new Error('a Sample field Go does not write this way');
    }
    if (nVals !== nTypes) throw new Error('fewer values than sample types');
    this.maxLoc = maxLoc;
    // Only a sample whose ids are one packed field ends with the ids of that field.
    if (idFields !== 1) {
      shared = 0;
      idsFrom = idsTo = -1;
    }
    this.grouping.add(locs, from, n, shared);
    this.prevIdsFrom = idsFrom;
    this.prevIdsTo = idsTo;
    this.prevIdsOneByte = idsTo - idsFrom === n - from;
    this.shared[s] = shared;
    this.sharedSum += shared;
    this.locStart[s + 1] = n;
    this.labelStart[s + 1] = this.labels.length;
    this.n = s + 1;
  }

  /**
   * Where the bytes of the packed ids [from, to) start to equal the end of the previous
   * sample's (bytes compared from the end, four at a time, then moved to where an id
   * starts in both); `to` when they end differently.
   */
  private sharedStart(buf: Uint8Array, from: number, to: number): number {
    const view = this.view!;
    const prevFrom = this.prevIdsFrom;
    let a = to;
    let b = this.prevIdsTo;
    while (a - 4 >= from && b - 4 >= prevFrom && view.getInt32(a - 4) === view.getInt32(b - 4)) {
      a -= 4;
      b -= 4;
    }
    while (a > from && b > prevFrom && buf[a - 1] === buf[b - 1]) {
      a--;
      b--;
    }
    // A byte >= 0x80 continues its varint into the next one.
    while (a < to && ((a > from && buf[a - 1] >= 0x80) || (b > prevFrom && buf[b - 1] >= 0x80))) {
      a++;
      b++;
    }
    return a;
  }

  /**
   * The samples with location rows, drop_frames applied; null when an id is not defined
   * (then the two-pass decode reports it exactly).
   */
  finish(ids: LocationIds, locPrune: Uint8Array | null): DecodedSamples | null {
    const nSamples = this.n;
    // Views, not copies, here and below: the slack beyond was never touched, so it costs no memory.
    const locStart = nSamples > 0 ? this.locStart.subarray(0, nSamples + 1) : new Int32Array(1);
    const used = locStart[nSamples];
    const locs = this.locs;
    const { locDense, locMap, sequentialIds } = ids;
    const idsAreRows = sequentialIds > 0 && this.maxLoc < sequentialIds;
    if (!idsAreRows) {
      const nDense = locDense ? locDense.length : 0;
      for (let i = 0; i < used; i++) {
        const id = locs[i] + 1;
        const row = locDense ? (id < nDense ? locDense[id] : -1) : (locMap!.get(id) ?? -1);
        if (row < 0) return null;
        locs[i] = row;
      }
    }
    let kept = used;
    if (locPrune) {
      // drop_frames cuts each sample's leaf side; the kept rows close up.
      kept = 0;
      let from = 0;
      for (let s = 0; s < nSamples; s++) {
        const to = locStart[s + 1];
        const keepFrom = dropFramesCut(locs, from, to - from, locPrune);
        locs.copyWithin(kept, from + keepFrom, to);
        kept += to - from - keepFrom;
        locStart[s + 1] = kept;
        from = to;
      }
    }
    return {
      n: nSamples,
      columns: this.sampleTypes.map((_, c) => (nSamples > 0 ? this.columns[c].subarray(0, nSamples) : new Float64Array(0))),
      labelStart: nSamples > 0 ? this.labelStart.subarray(0, nSamples + 1) : new Int32Array(1),
      labels: this.labels,
      locStart,
      locs: locs.subarray(0, kept),
      grouping: idsAreRows && !locPrune ? this.grouping : null,
      // Equal ids are equal rows, so the counts hold for rows too (not once drop_frames cut the leaf ends).
      shared: locPrune ? null : { count: nSamples > 0 ? this.shared.subarray(0, nSamples) : new Int32Array(0), total: this.sharedSum },
    };
  }
}

/** How many varints end in buf[from .. to). */
function varintCount(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let p = from; p < to; p++) if (buf[p] < 0x80) n++;
  return n;
}

/** Whether the varint at `pos` runs past `filled` (its last byte is not inflated yet). */
function varintIncomplete(buf: Uint8Array, pos: number, filled: number): boolean {
  for (let p = pos; p < filled; p++) if (buf[p] < 0x80) return false;
  return true;
}

/**
 * The end of the top-level field (not a sample or sample type) at `pos`, or -1 when it
 * is not all in `buf[0 .. filled)` yet. Throws on what LeadingSamples leaves to pass A.
 */
function fieldAfter(buf: Uint8Array, pos: number, filled: number): number {
  if (pos + 5 > filled && varintIncomplete(buf, pos, filled)) return -1;
  const t = varint28(buf, pos, filled);
  // Sample types and samples under longer keys, and fields numbered beyond 2^25: pass A's.
  if (t < 0 || t >>> 3 <= 2) throw new Error('an unusual field key');
  pos = varintEnd.at;
  switch (t & 7) {
    case 0:
      for (;;) {
        if (pos >= filled) return -1;
        if (buf[pos++] < 0x80) return pos;
      }
    case 1:
      return pos + 8 <= filled ? pos + 8 : -1;
    case 5:
      return pos + 4 <= filled ? pos + 4 : -1;
    case 2: {
      if (pos + 5 > filled && varintIncomplete(buf, pos, filled)) return -1;
      const n = varint28(buf, pos, filled);
      if (n < 0) throw new Error('field length beyond 2^28');
      return varintEnd.at + n <= filled ? varintEnd.at + n : -1;
    }
    default:
      throw new Error('an invalid wire type');
  }
}

/** Every sample's values, labels and location rows (leaf first), as the model keeps them. */
interface DecodedSamples {
  n: number;
  columns: Float64Array[];
  labelStart: Int32Array;
  labels: SampleLabels;
  locStart: Int32Array;
  locs: Int32Array;
  /** The samples' groups for the stack build, when already made. */
  grouping: SampleGrouping | null;
  /** Root-most locations each sample shares with the one before it, when counted. */
  shared: SharedPrefixes | null;
}

/** How location ids become rows. */
interface LocationIds {
  /** Dense table for small ids, else the map. */
  locDense: Int32Array | null;
  locMap: Map<number, number> | null;
  /** When ids 1..k are rows 0..k-1 (as Go writes them): k, else 0. */
  sequentialIds: number;
}

/** Steps over the run of Profile.sample fields at r.pos (LeadingSamples decoded them). */
function skipSamples(r: Reader, end: number): void {
  const buf = r.buf;
  let pos = r.pos;
  while (pos < end && buf[pos] === 0x12) pos = fieldEnd(r, pos + 1, end, 'Sample');
  r.pos = pos;
}

/**
 * Pass B (profiles not laid out as Go writes them, and the exact first error of any
 * profile): decodes the samples pass A found, applying drop_frames.
 */
function decodeSamples(
  r: Reader,
  data: Uint8Array,
  ids: LocationIds,
  extents: SampleExtents,
  nTypes: number,
  locPrune: Uint8Array | null,
  progress: (doneBytes: number) => void,
): DecodedSamples {
  const { starts, ends, n: nSamples } = extents;
  let sampleBytes = 0;
  for (let s = 0; s < nSamples; s++) sampleBytes += ends[s] - starts[s];
  const columns: Float64Array[] = [];
  for (let c = 0; c < nTypes; c++) columns.push(new Float64Array(nSamples));
  const labelStart = new Int32Array(nSamples + 1);
  const labels = new SampleLabels();
  // Kept locations of every sample, leaf first, decoded straight into one array. Every
  // location id takes at least a byte, so sampleBytes entries always suffice (pages the
  // decode never touches are never committed).
  const sampleLocStart = new Int32Array(nSamples + 1);
  const locs = new Int32Array(Math.max(16, sampleBytes));
  const rd: SampleReader = { r, buf: data, ...ids, columns, labels, locs, n: 0 };
  const progressEvery = 16384;
  let base = 0;
  for (let s = 0; s < nSamples; s++) {
    rd.n = base;
    const nVals = decodeSample(rd, starts[s], ends[s], s);
    if (nVals !== nTypes) {
      throw new DecodeError(FMT, `sample ${s} has ${nVals} values but the profile has ${nTypes} sample types; expected one value per type`, { offset: starts[s] });
    }
    labelStart[s + 1] = rd.labels.length;
    let n = rd.n - base;
    const keepFrom = dropFramesCut(locs, base, n, locPrune);
    if (keepFrom > 0) {
      // drop_frames cut the leaf side: keep only the rest in the sample's slot.
      locs.copyWithin(base, base + keepFrom, base + n);
      n -= keepFrom;
    }
    base += n;
    sampleLocStart[s + 1] = base;
    if ((s & (progressEvery - 1)) === progressEvery - 1) progress(ends[s]);
  }
  // A view, not a copy: the slack beyond `base` was never touched, so it costs no memory.
  const kept = locs.subarray(0, base);
  // Counted as the streamed decode counts them, so both walk the samples in the same order.
  const shared = locPrune ? null : sharedPrefixes(sampleLocStart, kept);
  return { n: nSamples, columns, labelStart, labels, locStart: sampleLocStart, locs: kept, grouping: null, shared };
}

/** The label table as it is decoded (its own class, so its stores see one array type each). */
class SampleLabels {
  key: Int32Array;
  str: Int32Array;
  num: Float64Array;
  unit: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.key = new Int32Array(capacity);
    this.str = new Int32Array(capacity);
    this.num = new Float64Array(capacity);
    this.unit = new Int32Array(capacity);
  }
  push(key: number, str: number, num: number, unit: number): void {
    const i = this.length++;
    if (i === this.key.length) this.grow();
    this.key[i] = key;
    this.str[i] = str;
    this.num[i] = num;
    this.unit[i] = unit;
  }
  private grow(): void {
    const n = this.key.length * 2;
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.key = i32(this.key);
    this.str = i32(this.str);
    this.unit = i32(this.unit);
    const num = new Float64Array(n);
    num.set(this.num);
    this.num = num;
  }
}

/** What decodeSample reads with and writes into. */
interface SampleReader extends LocationIds {
  /** For the general (rare) paths: long varints, unusual encodings, labels. */
  r: Reader;
  buf: Uint8Array;
  columns: Float64Array[];
  labels: SampleLabels;
  /** Location rows of all samples, leaf first within each; the next one goes to locs[n]. */
  locs: Int32Array;
  n: number;
}

/** Where the varint read by the last successful varint28 call ended (an object field:
 * cheaper in V8 than a module-level variable, and the hot path allocates nothing). */
const varintEnd = { at: 0 };

/**
 * A varint of at most 4 bytes (so < 2^28: location ids, lengths, most values) that ends
 * by `stop`, read straight from the bytes; its end goes to varintEnd.at. Returns -1 when
 * it is longer or overruns `stop`, and the caller takes the general path (which also
 * produces the right error).
 */
function varint28(buf: Uint8Array, pos: number, stop: number): number {
  let b = buf[pos];
  let v = b & 0x7f;
  if (b >= 0x80) {
    b = buf[pos + 1];
    v |= (b & 0x7f) << 7;
    if (b >= 0x80) {
      b = buf[pos + 2];
      v |= (b & 0x7f) << 14;
      if (b >= 0x80) {
        b = buf[pos + 3];
        v |= (b & 0x7f) << 21;
        if (b >= 0x80) return -1;
        pos += 4;
      } else pos += 3;
    } else pos += 2;
  } else pos += 1;
  if (pos > stop) return -1;
  varintEnd.at = pos;
  return v;
}

/**
 * One id of a packed Sample.location_id field at `pos` (< stop), its end in varintEnd.at:
 * ids below 2^14 (one or two bytes: nearly all of them) are read here, longer ones by
 * varint28, which returns -1 for what only the general path reads.
 */
function packedId(buf: Uint8Array, pos: number, stop: number): number {
  const b0 = buf[pos];
  if (b0 < 0x80) {
    varintEnd.at = pos + 1;
    return b0;
  }
  const b1 = buf[pos + 1];
  if (b1 < 0x80 && pos + 2 <= stop) {
    varintEnd.at = pos + 2;
    return (b0 & 0x7f) | (b1 << 7);
  }
  return varint28(buf, pos, stop);
}

/** One value of a packed Sample.value field at `pos` (< stop), its end in varintEnd.at:
 * under 2^28 straight from the bytes, anything else (negative, large) through the Reader. */
function packedValue(r: Reader, buf: Uint8Array, pos: number, stop: number): number {
  const v = varint28(buf, pos, stop);
  if (v >= 0) return v;
  r.pos = pos;
  const big = i64(r, stop);
  varintEnd.at = r.pos;
  return big;
}

/** End of the length-delimited field whose length varint starts at `pos`; leaves r.pos
 * after the length. */
function fieldEnd(r: Reader, pos: number, stop: number, what: string): number {
  const n = varint28(r.buf, pos, stop);
  if (n >= 0 && varintEnd.at + n <= stop) {
    r.pos = varintEnd.at;
    return varintEnd.at + n;
  }
  r.pos = pos;
  return len(r, stop, what);
}

/** General path of one location id at r.pos: any id encoding, dense table or map. */
function locationRow(rd: SampleReader, stop: number, s: number, at: number): number {
  const id = idKey(rd.r, stop);
  const dense = rd.locDense;
  const row = dense ? (id >= 0 && id < dense.length ? dense[id] : -1) : (rd.locMap!.get(id) ?? -1);
  if (row < 0) throw new DecodeError(FMT, `sample ${s} refers to location ${id}, which is not defined`, { offset: at });
  return row;
}

/**
 * Decodes the Sample message at [pos, stop): location rows go to rd.locs, values to
 * column s, labels to rd.labels. Returns how many values it carried. The usual encoding
 * (packed ids and values under 2^28, as Go writes them) is read straight from the bytes;
 * anything else takes protobufjs's Reader through the general helpers above.
 */
function decodeSample(rd: SampleReader, pos: number, stop: number, s: number): number {
  const buf = rd.buf;
  const dense = rd.locDense;
  const nDense = dense ? dense.length : 0;
  const sequential = rd.sequentialIds;
  const locs = rd.locs;
  const columns = rd.columns;
  const nTypes = columns.length;
  const r = rd.r;
  let n = rd.n;
  let nVals = 0;
  while (pos < stop) {
    const at = pos;
    const key = buf[pos];
    if (key === 0x0a) {
      // Sample.location_id, packed: the hot loop of every profile.
      const pstop = fieldEnd(r, pos + 1, stop, 'Sample.location_id');
      pos = r.pos;
      while (pos < pstop) {
        // Ids over 2^28 and unknown ids take the general path.
        const id = packedId(buf, pos, pstop);
        if (id >= 0) pos = varintEnd.at;
        if (id > 0 && id <= sequential) locs[n++] = id - 1;
        else if (id >= 0 && id < nDense) {
          const row = dense![id];
          if (row < 0) throw new DecodeError(FMT, `sample ${s} refers to location ${id}, which is not defined`, { offset: at });
          locs[n++] = row;
        } else {
          r.pos = pos;
          locs[n++] = locationRow(rd, pstop, s, at);
          pos = r.pos;
        }
      }
    } else if (key === 0x12) {
      // Sample.value, packed.
      const pstop = fieldEnd(r, pos + 1, stop, 'Sample.value');
      pos = r.pos;
      while (pos < pstop) {
        const v = packedValue(r, buf, pos, pstop);
        pos = varintEnd.at;
        if (nVals < nTypes) columns[nVals][s] = v;
        nVals++;
      }
    } else if (key === 0x1a) {
      pos = sampleLabel(r, buf, pos + 1, stop, rd.labels);
    } else {
      // Unpacked or unknown fields, multi-byte keys: the general path.
      r.pos = pos;
      const t = tag(r, stop);
      const f = t >>> 3;
      const w = t & 7;
      if (f === 1) {
        if (w === 2) {
          const pstop = len(r, stop, 'Sample.location_id');
          while (r.pos < pstop) locs[n++] = locationRow(rd, pstop, s, at);
          if (r.pos !== pstop) throw new DecodeError(FMT, 'packed varints overrun their field', { offset: r.pos });
        } else if (w === 0) locs[n++] = locationRow(rd, stop, s, at);
        else throw new DecodeError(FMT, `Sample.location_id has wire type ${w}`, { offset: at });
      } else if (f === 2) {
        if (w === 2) {
          const pstop = len(r, stop, 'Sample.value');
          while (r.pos < pstop) {
            const v = i64(r, pstop);
            if (nVals < nTypes) columns[nVals][s] = v;
            nVals++;
          }
          if (r.pos !== pstop) throw new DecodeError(FMT, 'packed varints overrun their field', { offset: r.pos });
        } else if (w === 0) {
          const v = i64(r, stop);
          if (nVals < nTypes) columns[nVals][s] = v;
          nVals++;
        } else throw new DecodeError(FMT, `Sample.value has wire type ${w}`, { offset: at });
      } else if (f === 3) {
        expectWire(w, 2, 'Sample.label', at);
        decodeLabel(r, len(r, stop, 'Label'), rd.labels);
      } else skip(r, w, stop, f);
      pos = r.pos;
    }
  }
  rd.n = n;
  return nVals;
}

/**
 * The Sample.label whose length starts at `pos`: the usual one-byte keys and short values
 * read here, anything else in decodeLabel. Returns the label's end.
 */
function sampleLabel(r: Reader, buf: Uint8Array, pos: number, stop: number, labels: SampleLabels): number {
  const lstop = fieldEnd(r, pos, stop, 'Label');
  const lstart = r.pos;
  let lkey = 0, sv = 0, num = 0, unit = 0;
  pos = lstart;
  while (pos < lstop) {
    const lt = buf[pos];
    const v = lt === 0x08 || lt === 0x10 || lt === 0x18 || lt === 0x20 ? varint28(buf, pos + 1, lstop) : -1;
    if (v < 0) break;
    pos = varintEnd.at;
    if (lt === 0x08) lkey = v;
    else if (lt === 0x10) sv = v;
    else if (lt === 0x18) num = v;
    else unit = v;
  }
  if (pos === lstop) pushLabel(labels, lkey, sv, num, unit);
  else {
    r.pos = lstart;
    decodeLabel(r, lstop, labels);
  }
  return lstop;
}

function decodeLabel(r: Reader, lstop: number, labels: SampleLabels): void {
  let key = 0, sv = 0, num = 0, unit = 0;
  while (r.pos < lstop) {
    const lt = tag(r, lstop);
    const lf = lt >>> 3;
    if (lf >= 1 && lf <= 4 && (lt & 7) === 0) {
      const v = i64(r, lstop);
      if (lf === 1) key = v;
      else if (lf === 2) sv = v;
      else if (lf === 3) num = v;
      else unit = v;
    } else skip(r, lt & 7, lstop, lf);
  }
  pushLabel(labels, key, sv, num, unit);
}

function pushLabel(labels: SampleLabels, key: number, sv: number, num: number, unit: number): void {
  // pprof: a label is numeric only when it has no string (num/unit set or both unset).
  if (sv !== 0) labels.push(key, sv, 0, -1);
  else labels.push(key, -1, num, unit === 0 ? -1 : unit);
}

/**
 * drop_frames at sample level: scanning root->leaf, after the first frame that is not
 * pruned, cut at the first pruned location (pprof Profile.Prune). Returns the leaf-most
 * kept index into the sample's leaf-first locations locs[base .. base + n).
 */
function dropFramesCut(locs: Int32Array, base: number, n: number, locPrune: Uint8Array | null): number {
  if (!locPrune) return 0;
  let foundUser = false;
  for (let i = n - 1; i >= 0; i--) {
    const p = locPrune[locs[base + i]];
    if (p === 0) {
      foundUser = true;
      continue;
    }
    if (!foundUser) continue;
    return p === 2 ? i + 1 : i;
  }
  return 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  // Short ASCII strings dominate string tables; building them directly beats TextDecoder's call cost.
  if (end - start < 24) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i];
      if (c >= 0x80) return utf8.decode(buf.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(buf.subarray(start, end));
}
