// Encoder for pprof's profile.proto from our StackProfile model, optionally restricted to
// a sample mask (the samples the current view's filters keep), so what the workbench shows
// opens in `go tool pprof` — for pprof sources and for everything else the model holds
// (perf script, Go trace CPU samples, goroutine dumps, legacy pprof formats).
//
// Written on protobufjs's minimal Writer (no reflection, no generated code: our CSP forbids
// Function()). 64-bit fields that a double cannot hold exactly (addresses, epoch
// nanoseconds) are written from BigInts as {low, high} halves.
//
// What the model cannot give back exactly:
//  - system_name: the model keeps the name as recorded and the name pprof prints. We write
//    system_name = name where pprof would print that name from it, else "" (pprof then
//    prints the name verbatim), so every printed name — hence every `-top` row — is the
//    same; `-raw` differs only where a profile recorded a system name unlike its name.
//  - Function rows that print alike were merged on decode (as pprof's reports merge them);
//    the first row's file and start line stand for all of them.
//  - drop_frames were applied on decode; the patterns are written again, and applying them
//    to already pruned stacks changes nothing, so `go tool pprof` shows the same stacks.

import pb from 'protobufjs/minimal.js';
import { FuncKind, MAPPING_HAS_FILENAMES, MAPPING_HAS_FUNCTIONS, MAPPING_HAS_INLINE_FRAMES, MAPPING_HAS_LINE_NUMBERS, type StackProfile } from '../../model/profile';
import { pprofDisplayName, unsymbolizedName } from '../../model/names';
import { StringInterner } from '../../model/builder';

type Writer = InstanceType<typeof pb.Writer>;
type Long = Parameters<Writer['uint64']>[0];

export interface PprofEncodeOptions {
  /** 1 keeps sample i; null/absent keeps every sample. */
  mask?: Uint8Array | null;
  /** Index into sampleTypes that `go tool pprof` should show first (default: the profile's). */
  defaultSampleType?: number;
  /** Appended after the profile's own comments (e.g. which filters made this file). */
  extraComments?: string[];
}

// profile.proto field numbers.
const PROFILE = { sampleType: 1, sample: 2, mapping: 3, location: 4, function: 5, stringTable: 6, dropFrames: 7, keepFrames: 8, timeNanos: 9, durationNanos: 10, periodType: 11, period: 12, comment: 13, defaultSampleType: 14, docUrl: 15 } as const;
const VARINT = 0;
const LEN = 2;

const key = (field: number, wire: number) => (field << 3) | wire;

/** An exact uint64/int64 from a BigInt (two's complement for negatives). */
function long(v: bigint): Long {
  const u = BigInt.asUintN(64, v);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: true } as Long;
}

/** Writes `field` as a varint unless it is zero (proto3 default, as Go's encoder omits it). */
function int64Opt(w: Writer, field: number, v: number): void {
  if (v !== 0) w.uint32(key(field, VARINT)).int64(v);
}

function uint64Opt(w: Writer, field: number, v: bigint): void {
  if (v !== 0n) w.uint32(key(field, VARINT)).uint64(long(v));
}

/**
 * True when frame `fr` stands for "no function" — the name pprof itself derives from the
 * location's mapping ("[libc.so.6]", "<unknown>") — so it is written without a function.
 */
function isDerivedUnsymbolized(p: StackProfile, fr: number, mappingFile: string): boolean {
  const f = p.frames.func[fr];
  return p.funcs.kind[f] === FuncKind.Unsymbolized && p.strings[p.funcs.name[f]] === unsymbolizedName(mappingFile);
}

/** The uncompressed profile.proto bytes of `p`'s samples that pass `opts.mask`. */
export function encodePprof(p: StackProfile, opts: PprofEncodeOptions = {}): Uint8Array {
  const mask = opts.mask ?? null;
  const { samples, locations, frames, funcs, mappings } = p;
  const str = new StringInterner();
  const mapFile = (m: number) => (m >= 0 ? p.strings[mappings.fileName[m]] : '');

  // ---- which rows the kept samples use (all rows when nothing is filtered) ----
  const usedLoc = new Uint8Array(locations.length);
  if (mask) {
    for (let s = 0; s < samples.length; s++) {
      if (!mask[s]) continue;
      for (let k = samples.locationStart[s]; k < samples.locationStart[s + 1]; k++) usedLoc[samples.location[k]] = 1;
    }
  } else usedLoc.fill(1);
  // Unfiltered, every mapping stays (pprof lists unreferenced ones such as [vdso] too).
  const usedMap = new Uint8Array(mappings.length).fill(mask ? 0 : 1);
  const usedFunc = new Uint8Array(funcs.length);
  // Mappings all of whose (used) locations name their functions: for formats that are not
  // pprof this is set as has_functions, so go tool pprof does not try to re-symbolize them
  // from whatever binaries of that name happen to be on the reader's machine.
  const mapUnnamed = new Uint8Array(mappings.length);
  for (let l = 0; l < locations.length; l++) {
    if (!usedLoc[l]) continue;
    const m = locations.mapping[l];
    if (m >= 0) usedMap[m] = 1;
    const file = mapFile(m);
    for (let fr = locations.frameStart[l]; fr < locations.frameStart[l + 1]; fr++) {
      if (!isDerivedUnsymbolized(p, fr, file)) usedFunc[frames.func[fr]] = 1;
      else if (m >= 0) mapUnnamed[m] = 1;
    }
  }

  const w = pb.Writer.create();
  const nTypes = p.sampleTypes.length;

  // ---- sample types ----
  for (const t of p.sampleTypes) {
    w.uint32(key(PROFILE.sampleType, LEN)).fork();
    int64Opt(w, 1, str.intern(t.type));
    int64Opt(w, 2, str.intern(t.unit));
    w.ldelim();
  }

  // ---- samples ----
  const labels = p.labels;
  for (let s = 0; s < samples.length; s++) {
    if (mask && !mask[s]) continue;
    w.uint32(key(PROFILE.sample, LEN)).fork();
    const l0 = samples.locationStart[s];
    const l1 = samples.locationStart[s + 1];
    if (l1 > l0) {
      w.uint32(key(1, LEN)).fork();
      for (let k = l0; k < l1; k++) w.uint32(samples.location[k] + 1);
      w.ldelim();
    }
    if (nTypes > 0) {
      w.uint32(key(2, LEN)).fork();
      for (let c = 0; c < nTypes; c++) w.int64(samples.values[c][s]);
      w.ldelim();
    }
    for (let r = samples.labelStart[s]; r < samples.labelStart[s + 1]; r++) {
      w.uint32(key(3, LEN)).fork();
      int64Opt(w, 1, str.intern(p.strings[labels.key[r]]));
      if (labels.str[r] >= 0) int64Opt(w, 2, str.intern(p.strings[labels.str[r]]));
      else {
        int64Opt(w, 3, labels.num[r]);
        if (labels.unit[r] >= 0) int64Opt(w, 4, str.intern(p.strings[labels.unit[r]]));
      }
      w.ldelim();
    }
    w.ldelim();
  }

  // ---- mappings ----
  const derivedFlags = p.format !== 'pprof';
  for (let m = 0; m < mappings.length; m++) {
    if (!usedMap[m]) continue;
    let flags = mappings.flags[m];
    if (derivedFlags && !mapUnnamed[m]) flags |= MAPPING_HAS_FUNCTIONS;
    w.uint32(key(PROFILE.mapping, LEN)).fork();
    int64Opt(w, 1, m + 1);
    uint64Opt(w, 2, mappings.start[m]);
    uint64Opt(w, 3, mappings.limit[m]);
    uint64Opt(w, 4, mappings.offset[m]);
    int64Opt(w, 5, str.intern(p.strings[mappings.fileName[m]]));
    int64Opt(w, 6, str.intern(p.strings[mappings.buildId[m]]));
    if (flags & MAPPING_HAS_FUNCTIONS) w.uint32(key(7, VARINT)).bool(true);
    if (flags & MAPPING_HAS_FILENAMES) w.uint32(key(8, VARINT)).bool(true);
    if (flags & MAPPING_HAS_LINE_NUMBERS) w.uint32(key(9, VARINT)).bool(true);
    if (flags & MAPPING_HAS_INLINE_FRAMES) w.uint32(key(10, VARINT)).bool(true);
    w.ldelim();
  }

  // ---- locations, their lines leaf first (inlined callees before their caller) ----
  // A line needs a function (pprof rejects a nil one), so nameless lines get one function
  // with an empty name, which pprof names after the mapping exactly as we do.
  const namelessId = funcs.length + 1;
  let hasNameless = false;
  for (let l = 0; l < locations.length; l++) {
    if (!usedLoc[l]) continue;
    const m = locations.mapping[l];
    const file = mapFile(m);
    w.uint32(key(PROFILE.location, LEN)).fork();
    int64Opt(w, 1, l + 1);
    if (m >= 0) int64Opt(w, 2, m + 1);
    uint64Opt(w, 3, locations.address[l]);
    const f0 = locations.frameStart[l];
    const f1 = locations.frameStart[l + 1];
    // A lone nameless frame at line 0 is a location without lines (an unsymbolized PC).
    const noLines = f1 - f0 === 1 && frames.line[f0] === 0 && isDerivedUnsymbolized(p, f0, file);
    if (!noLines) {
      for (let fr = f0; fr < f1; fr++) {
        w.uint32(key(4, LEN)).fork();
        const nameless = isDerivedUnsymbolized(p, fr, file);
        if (nameless) hasNameless = true;
        int64Opt(w, 1, nameless ? namelessId : frames.func[fr] + 1);
        int64Opt(w, 2, frames.line[fr]);
        int64Opt(w, 3, frames.column[fr]);
        w.ldelim();
      }
    }
    if (locations.folded[l]) w.uint32(key(5, VARINT)).bool(true);
    w.ldelim();
  }

  // ---- functions ----
  for (let f = 0; f < funcs.length; f++) {
    if (!usedFunc[f]) continue;
    const shown = p.strings[funcs.name[f]];
    const recorded = p.strings[funcs.recordedName[f]] || shown;
    // pprof prints pprofDisplayName(name, system_name): keep system_name = name when that
    // prints as we do; otherwise "" makes pprof print the name as recorded.
    const system = pprofDisplayName(recorded, recorded) === shown ? recorded : '';
    w.uint32(key(PROFILE.function, LEN)).fork();
    int64Opt(w, 1, f + 1);
    int64Opt(w, 2, str.intern(recorded));
    int64Opt(w, 3, str.intern(system));
    int64Opt(w, 4, str.intern(p.strings[funcs.fileName[f]]));
    int64Opt(w, 5, funcs.startLine[f]);
    w.ldelim();
  }

  if (hasNameless) {
    w.uint32(key(PROFILE.function, LEN)).fork();
    int64Opt(w, 1, namelessId);
    w.ldelim();
  }

  // ---- profile scalars (their strings go into the table below) ----
  const dropX = str.intern(p.dropFrames);
  const keepX = str.intern(p.keepFrames);
  const periodType = p.periodType ? [str.intern(p.periodType.type), str.intern(p.periodType.unit)] : null;
  const comments = [...p.comments, ...(opts.extraComments ?? [])].map((c) => str.intern(c));
  // pprof's implicit default is the last sample type: name it only when it is another one.
  const dflt = opts.defaultSampleType ?? p.defaultSampleType;
  const dfltX = dflt >= 0 && dflt < nTypes - 1 ? str.intern(p.sampleTypes[dflt].type) : 0;
  const docX = str.intern(p.docUrl);

  for (const s of str.strings) w.uint32(key(PROFILE.stringTable, LEN)).string(s);
  int64Opt(w, PROFILE.dropFrames, dropX);
  int64Opt(w, PROFILE.keepFrames, keepX);
  const time = BigInt(p.timeNanos || '0');
  if (time !== 0n) w.uint32(key(PROFILE.timeNanos, VARINT)).int64(long(time));
  int64Opt(w, PROFILE.durationNanos, p.durationNanos);
  if (periodType) {
    w.uint32(key(PROFILE.periodType, LEN)).fork();
    int64Opt(w, 1, periodType[0]);
    int64Opt(w, 2, periodType[1]);
    w.ldelim();
  }
  int64Opt(w, PROFILE.period, p.period);
  if (comments.length > 0) {
    w.uint32(key(PROFILE.comment, LEN)).fork();
    for (const c of comments) w.int64(c);
    w.ldelim();
  }
  int64Opt(w, PROFILE.defaultSampleType, dfltX);
  int64Opt(w, PROFILE.docUrl, docX);
  // A fresh buffer: finish() may hand out a slice of a shared pool.
  return new Uint8Array(w.finish());
}
