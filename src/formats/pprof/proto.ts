// Decoder for pprof's profile.proto that writes straight into the typed-array model.
//
// Why hand-written over protobufjs reflection: reflection builds decoders with
// Function() (forbidden by our CSP) and returns a Long object per int64. We drive
// protobufjs's minimal Reader for tags, lengths and strings, and read int64 varints
// ourselves into two uint32 halves, so ids and values become plain numbers and
// addresses become exact BigInts (kernel addresses exceed 2^53).
//
// Two passes over the bytes: pass A decodes everything but samples (Go writes samples
// before the locations they reference); pass B decodes samples and interns each stack
// into the function prefix tree without materialising per-sample location lists.

import pb from 'protobufjs/minimal.js';
import { StackInterner, float64s, int32s } from '../../model/builder';
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
}

/** Decodes an uncompressed profile.proto message. */
export function decodePprof(data: Uint8Array, opts: PprofDecodeOptions = {}): StackProfile {
  bigIds.clear();
  const r = pb.Reader.create(data) as Reader;
  const end = data.length;
  if (end === 0) throw new DecodeError(FMT, 'empty input; expected a profile.proto message', { offset: 0 });
  const progress = opts.onProgress ?? (() => {});

  // ---- pass A: everything but samples ----
  const sampleTypes: RawValueType[] = [];
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
  const sampleStarts = int32s(1024);
  const sampleEnds = int32s(1024);

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
    const t = tag(r, end);
    const field = t >>> 3;
    const wire = t & 7;
    switch (field) {
      case 1:
        expectWire(wire, 2, 'Profile.sample_type', at);
        sampleTypes.push(valueType(r, end));
        break;
      case 2: {
        expectWire(wire, 2, 'Profile.sample', at);
        const stop = len(r, end, 'Sample');
        sampleStarts.push(r.pos);
        sampleEnds.push(stop);
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
  if (types.length === 0 && sampleStarts.length > 0) throw new DecodeError(FMT, 'samples without sample types; expected at least one sample_type');
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
  for (let i = 0; i < nLoc; i++) {
    const id = locIds.get(i);
    if (locDense ? locDense[id] !== -1 : locMap!.has(id)) {
      throw new DecodeError(FMT, `duplicate location id ${id}; expected unique ids (concatenated profiles?)`);
    }
    if (locDense) locDense[id] = i;
    else locMap!.set(id, i);
  }

  // ---- pass B: samples ----
  const nSamples = sampleStarts.length;
  const nTypes = types.length;
  const starts = sampleStarts.finish();
  const ends = sampleEnds.finish();
  // Capacity hint: distinct stacks rarely exceed one per location reference byte / 2.
  let sampleBytes = 0;
  for (let s = 0; s < nSamples; s++) sampleBytes += ends[s] - starts[s];
  // Distinct stacks ran at about one per 7 bytes of samples in big real profiles; the trie grows if not.
  const stacks = new StackInterner(Math.min(sampleBytes >> 3, 1 << 26));
  const sampleStack = new Int32Array(nSamples);
  const columns: Float64Array[] = [];
  for (let c = 0; c < nTypes; c++) columns.push(new Float64Array(nSamples));
  const labelStart = new Int32Array(nSamples + 1);
  const labels: SampleLabels = { key: int32s(), str: int32s(), num: float64s(), unit: int32s() };
  // Kept locations of every sample, leaf first, decoded straight into one array
  // (location ids take at least a byte each, so this rarely grows).
  const sampleLocStart = new Int32Array(nSamples + 1);
  const scratch: SampleScratch = {
    locs: new Int32Array(Math.max(1024, sampleBytes >> 1)),
    base: 0,
    n: 0,
    prevLocs: new Int32Array(256),
    prevStacks: new Int32Array(256),
    prevDepth: 0,
    pathFuncs: new Int32Array(1024),
    pathLen: 0,
    levelEnd: new Int32Array(256),
    onPath: new Int32Array(funcName.length),
  };
  const progressEvery = 16384;
  for (let s = 0; s < nSamples; s++) {
    const stop = ends[s];
    r.pos = starts[s];
    const nVals = decodeSample(r, stop, s, locDense, locMap, columns, scratch, labels);
    if (nVals !== nTypes) {
      throw new DecodeError(FMT, `sample ${s} has ${nVals} values but the profile has ${nTypes} sample types; expected one value per type`, { offset: starts[s] });
    }
    labelStart[s + 1] = labels.key.length;
    const keepFrom = dropFramesCut(scratch, locPrune);
    if (keepFrom > 0) {
      // drop_frames cut the leaf side: keep only the rest in the sample's slot.
      scratch.locs.copyWithin(scratch.base, scratch.base + keepFrom, scratch.base + scratch.n);
      scratch.n -= keepFrom;
    }
    sampleStack[s] = internSampleStack(stacks, scratch, locFrameStart, framesFunc);
    scratch.base += scratch.n;
    sampleLocStart[s + 1] = scratch.base;
    if ((s & (progressEvery - 1)) === progressEvery - 1) progress(end / 4 + (stop / end) * (end * 0.75), end);
  }
  const labelKey = labels.key;
  const labelStr = labels.str;
  const labelNum = labels.num;
  const labelUnit = labels.unit;

  // Label strings were read before we knew the table size; check them now.
  const nLabels = labelKey.length;
  const lk = labelKey.finish();
  const ls = labelStr.finish();
  const lu = labelUnit.finish();
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
    stacks: stacks.finish(),
    samples: {
      length: nSamples,
      stack: sampleStack,
      locationStart: sampleLocStart,
      location: scratch.locs.slice(0, scratch.base),
      values: columns,
      time: null,
      labelStart,
    },
    labels: { length: nLabels, key: lk, str: ls, num: labelNum.finish(), unit: lu },
    warnings,
  };
}

interface SampleScratch {
  /** Location rows of all samples so far, leaf first within each sample; the current
   * sample's are locs[base .. base + n). */
  locs: Int32Array;
  base: number;
  n: number;
  /** The previous sample's locations root first, and the stack reached after each:
   * samples share their root-side frames, so those interns can be skipped. */
  prevLocs: Int32Array;
  prevStacks: Int32Array;
  prevDepth: number;
  /** The previous walk's functions root first, how many frames each location level
   * ended at, and how often each function occurs on that path (for firstOfFunc). */
  pathFuncs: Int32Array;
  pathLen: number;
  levelEnd: Int32Array;
  onPath: Int32Array;
}

interface SampleLabels {
  key: ReturnType<typeof int32s>;
  str: ReturnType<typeof int32s>;
  num: ReturnType<typeof float64s>;
  unit: ReturnType<typeof int32s>;
}

function growLocs(sc: SampleScratch): void {
  const next = new Int32Array(sc.locs.length * 2);
  next.set(sc.locs);
  sc.locs = next;
}

function pushLocation(r: Reader, stop: number, s: number, at: number, locDense: Int32Array | null, locMap: Map<number, number> | null, sc: SampleScratch): void {
  const id = idKey(r, stop);
  const row = locDense ? (id >= 0 && id < locDense.length ? locDense[id] : -1) : (locMap!.get(id) ?? -1);
  if (row < 0) throw new DecodeError(FMT, `sample ${s} refers to location ${id}, which is not defined`, { offset: at });
  if (sc.base + sc.n === sc.locs.length) growLocs(sc);
  sc.locs[sc.base + sc.n++] = row;
}

/**
 * The hot loop of every profile: packed location ids with small dense ids, read inline
 * for one- and two-byte varints (ids < 16384); anything else takes the general path.
 */
function pushPackedDense(r: Reader, pstop: number, s: number, at: number, locDense: Int32Array, sc: SampleScratch): void {
  const buf = r.buf;
  const n = locDense.length;
  let pos = r.pos;
  while (pos < pstop) {
    const b0 = buf[pos];
    let id: number;
    if (b0 < 0x80) {
      id = b0;
      pos += 1;
    } else if (pos + 1 < pstop && buf[pos + 1] < 0x80) {
      id = (b0 & 0x7f) | (buf[pos + 1] << 7);
      pos += 2;
    } else {
      r.pos = pos;
      pushLocation(r, pstop, s, at, locDense, null, sc);
      pos = r.pos;
      continue;
    }
    const row = id < n ? locDense[id] : -1;
    if (row < 0) throw new DecodeError(FMT, `sample ${s} refers to location ${id}, which is not defined`, { offset: at });
    if (sc.base + sc.n === sc.locs.length) growLocs(sc);
    sc.locs[sc.base + sc.n++] = row;
  }
  r.pos = pos;
}

/** Decodes one Sample message; returns how many values it carried. */
function decodeSample(
  r: Reader,
  stop: number,
  s: number,
  locDense: Int32Array | null,
  locMap: Map<number, number> | null,
  columns: Float64Array[],
  sc: SampleScratch,
  labels: SampleLabels,
): number {
  sc.n = 0;
  let nVals = 0;
  const nTypes = columns.length;
  while (r.pos < stop) {
    const at = r.pos;
    const t = tag(r, stop);
    const f = t >>> 3;
    const w = t & 7;
    if (f === 1) {
      if (w === 2) {
        const pstop = len(r, stop, 'Sample.location_id');
        if (locDense) pushPackedDense(r, pstop, s, at, locDense, sc);
        else while (r.pos < pstop) pushLocation(r, pstop, s, at, locDense, locMap, sc);
      } else if (w === 0) pushLocation(r, stop, s, at, locDense, locMap, sc);
      else throw new DecodeError(FMT, `Sample.location_id has wire type ${w}`, { offset: at });
    } else if (f === 2) {
      if (w === 2) {
        const pstop = len(r, stop, 'Sample.value');
        while (r.pos < pstop) {
          const v = i64(r, pstop);
          if (nVals < nTypes) columns[nVals][s] = v;
          nVals++;
        }
      } else if (w === 0) {
        const v = i64(r, stop);
        if (nVals < nTypes) columns[nVals][s] = v;
        nVals++;
      } else throw new DecodeError(FMT, `Sample.value has wire type ${w}`, { offset: at });
    } else if (f === 3) {
      expectWire(w, 2, 'Sample.label', at);
      decodeLabel(r, len(r, stop, 'Label'), labels);
    } else skip(r, w, stop, f);
  }
  return nVals;
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
  labels.key.push(key);
  // pprof: a label is numeric only when it has no string (num/unit set or both unset).
  if (sv !== 0) {
    labels.str.push(sv);
    labels.num.push(0);
    labels.unit.push(-1);
  } else {
    labels.str.push(-1);
    labels.num.push(num);
    labels.unit.push(unit === 0 ? -1 : unit);
  }
}

/**
 * drop_frames at sample level: scanning root->leaf, after the first frame that is not
 * pruned, cut at the first pruned location (pprof Profile.Prune). Returns the leaf-most
 * kept index into the sample's leaf-first locations.
 */
function dropFramesCut(sc: SampleScratch, locPrune: Uint8Array | null): number {
  if (!locPrune) return 0;
  const locs = sc.locs;
  const base = sc.base;
  let foundUser = false;
  for (let i = sc.n - 1; i >= 0; i--) {
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

/** Interns the functions of the kept frames, root first, into the stack prefix tree. */
function internSampleStack(stacks: StackInterner, sc: SampleScratch, frameStart: Int32Array, frameFunc: Int32Array): number {
  const locs = sc.locs;
  const n = sc.n;
  const top = sc.base + n - 1; // the root-most location of this sample
  const depth = n;
  if (sc.prevLocs.length < depth) {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(depth * 2);
      b.set(a);
      return b;
    };
    sc.prevLocs = grow(sc.prevLocs);
    sc.prevStacks = grow(sc.prevStacks);
    sc.levelEnd = grow(sc.levelEnd);
  }
  const prevLocs = sc.prevLocs;
  const prevStacks = sc.prevStacks;
  const levelEnd = sc.levelEnd;
  const onPath = sc.onPath;
  let d = 0;
  let stack = -1;
  const shared = Math.min(depth, sc.prevDepth);
  while (d < shared && prevLocs[d] === locs[top - d]) stack = prevStacks[d++];
  // Leave the previous walk's path where it diverges from this one.
  const keep = d > 0 ? levelEnd[d - 1] : 0;
  let pathFuncs = sc.pathFuncs;
  for (let j = sc.pathLen - 1; j >= keep; j--) onPath[pathFuncs[j]]--;
  let pathLen = keep;
  // Once a walk creates a node, everything below it is new too: append without lookups.
  let fresh = false;
  for (; d < depth; d++) {
    const loc = locs[top - d];
    const fStart = frameStart[loc];
    const fEnd = frameStart[loc + 1];
    if (pathLen + (fEnd - fStart) > pathFuncs.length) {
      const b = new Int32Array(pathFuncs.length * 2 + (fEnd - fStart));
      b.set(pathFuncs);
      pathFuncs = sc.pathFuncs = b;
    }
    for (let fr = fEnd - 1; fr >= fStart; fr--) {
      const fn = frameFunc[fr];
      const first = onPath[fn] === 0 ? 1 : 0;
      if (fresh) stack = stacks.append(stack, fn, first);
      else {
        const before = stacks.length;
        stack = stacks.intern(stack, fn, first);
        fresh = stacks.length !== before;
      }
      onPath[fn]++;
      pathFuncs[pathLen++] = fn;
    }
    prevLocs[d] = loc;
    prevStacks[d] = stack;
    levelEnd[d] = pathLen;
  }
  sc.prevDepth = depth;
  sc.pathLen = pathLen;
  return stack;
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
