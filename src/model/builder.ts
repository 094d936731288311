// Incremental construction of a StackProfile. Decoders that do not know their table
// sizes up front (text formats, legacy pprof, perf script) push rows here; the result
// is the same struct-of-arrays model the pprof protobuf decoder fills directly.

import {
  FuncKind,
  type FuncTable,
  type FrameTable,
  type LabelTable,
  type LocationTable,
  type MappingTable,
  type SampleTable,
  type StackProfile,
  type SourceFormat,
  type ValueType,
} from './profile';
import { pprofDisplayName, unsymbolizedName } from './names';
import { buildSampleStacks } from './stackBuild';

/** A typed array that grows by doubling; `finish()` returns an exact-length copy-free view. */
export class GrowableArray<T extends Int32Array | Float64Array | Uint8Array | BigUint64Array> {
  private data: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    initial = 64,
  ) {
    this.data = make(Math.max(4, initial));
  }
  push(v: T extends BigUint64Array ? bigint : number): void {
    if (this.length === this.data.length) this.grow(this.length * 2);
    (this.data as unknown as Array<unknown>)[this.length++] = v;
  }
  get(i: number): T extends BigUint64Array ? bigint : number {
    return (this.data as unknown as Array<T extends BigUint64Array ? bigint : number>)[i];
  }
  set(i: number, v: T extends BigUint64Array ? bigint : number): void {
    (this.data as unknown as Array<unknown>)[i] = v;
  }
  /** Appends values (one copy when they are a typed array: `push` per value is a generic
   * store here, slow for a million values). */
  pushAll(values: ArrayLike<T extends BigUint64Array ? bigint : number>): void {
    const n = values.length;
    if (this.length + n > this.data.length) this.grow(Math.max(this.length * 2, this.length + n));
    if (ArrayBuffer.isView(values)) (this.data as unknown as { set(a: unknown, at: number): void }).set(values, this.length);
    else for (let i = 0; i < n; i++) (this.data as unknown as Array<unknown>)[this.length + i] = values[i];
    this.length += n;
  }
  private grow(n: number): void {
    const next = this.make(n);
    next.set(this.data as never);
    this.data = next;
  }
  /** Exact-length array; copies once so the backing buffer holds no slack. */
  finish(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export const int32s = (n = 64) => new GrowableArray<Int32Array>((k) => new Int32Array(k), n);
export const float64s = (n = 64) => new GrowableArray<Float64Array>((k) => new Float64Array(k), n);
export const uint8s = (n = 64) => new GrowableArray<Uint8Array>((k) => new Uint8Array(k), n);
export const biguint64s = (n = 64) =>
  new GrowableArray<BigUint64Array>((k) => new BigUint64Array(k), n);

export class StringInterner {
  readonly strings: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);
  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

export interface ProfileMeta {
  format: SourceFormat;
  encoding: string;
  sampleTypes: ValueType[];
  defaultSampleType?: number;
  periodType?: ValueType | null;
  period?: number;
  timeNanos?: string;
  durationNanos?: number;
  comments?: string[];
  dropFrames?: string;
  keepFrames?: string;
  docUrl?: string;
}

export interface LabelInput {
  key: string;
  str?: string;
  num?: number;
  unit?: string;
}

/** A label list interned once by ProfileBuilder.labelSet, for samples that repeat it. */
export interface LabelSet {
  readonly key: Int32Array;
  readonly str: Int32Array;
  readonly num: Float64Array;
  readonly unit: Int32Array;
}

/**
 * Row-by-row builder. Typical use: func()/mapping()/location() to describe code, then
 * sample(locationsLeafFirst, values, labels) per record, then finish(meta).
 */
export class ProfileBuilder {
  readonly strings = new StringInterner();
  readonly warnings: string[] = [];
  private readonly funcName = int32s();
  private readonly funcRecordedName = int32s();
  private readonly funcFileName = int32s();
  private readonly funcStartLine = float64s();
  private readonly funcKind = uint8s();
  private readonly funcIndex = new Map<string, number>();

  private readonly mapStart = biguint64s(8);
  private readonly mapLimit = biguint64s(8);
  private readonly mapOffset = biguint64s(8);
  private readonly mapFile = int32s(8);
  private readonly mapBuildId = int32s(8);
  private readonly mapFlags = uint8s(8);

  private readonly locAddress = biguint64s();
  private readonly locMapping = int32s();
  private readonly locFolded = uint8s();
  private readonly locFrameStart = int32s();

  private readonly frameFunc = int32s();
  private readonly frameLocation = int32s();
  private readonly frameLine = float64s();
  private readonly frameColumn = float64s();
  private readonly frameInlined = uint8s();

  private samples = 0;
  private readonly sampleLocStart = int32s(1024);
  private readonly sampleLoc = int32s(4096);
  private sampleValues: ReturnType<typeof float64s>[] = [];
  private sampleTime: ReturnType<typeof float64s> | null = null;
  private readonly labelStart = int32s(1024);
  private readonly labelKey = int32s();
  private readonly labelStr = int32s();
  private readonly labelNum = float64s();
  private readonly labelUnit = int32s();

  constructor(private readonly valueColumns: number) {
    for (let i = 0; i < valueColumns; i++) this.sampleValues.push(float64s(1024));
    this.labelStart.push(0);
    this.sampleLocStart.push(0);
  }

  /**
   * The function row for a recorded name: functions are keyed by the name pprof would
   * print (see names.ts) and kind, so differently recorded names that print alike are one
   * row. Returns -1 when the printed name is empty; location() names such frames after
   * their mapping, as pprof does.
   */
  func(recordedName: string, opts: { systemName?: string; fileName?: string; startLine?: number; kind?: number } = {}): number {
    const name = pprofDisplayName(recordedName, opts.systemName ?? recordedName);
    if (name === '') return -1;
    return this.funcNamed(name, recordedName, opts.fileName ?? '', opts.startLine ?? 0, opts.kind ?? 0);
  }

  private funcNamed(name: string, recordedName: string, fileName: string, startLine: number, kind: number): number {
    const key = `${name}\u0000${kind}`;
    let i = this.funcIndex.get(key);
    if (i !== undefined) return i;
    i = this.funcName.length;
    this.funcName.push(this.strings.intern(name));
    this.funcRecordedName.push(this.strings.intern(recordedName));
    this.funcFileName.push(this.strings.intern(fileName));
    this.funcStartLine.push(startLine);
    this.funcKind.push(kind);
    this.funcIndex.set(key, i);
    return i;
  }

  /** The function standing for frames without a name in `mapping` ("[libc.so.6]", "<unknown>"). */
  unsymbolized(mapping: number): number {
    const file = mapping >= 0 ? this.strings.strings[this.mapFile.get(mapping)] : '';
    const name = unsymbolizedName(file);
    return this.funcNamed(name, name, '', 0, FuncKind.Unsymbolized);
  }

  mapping(m: { start?: bigint; limit?: bigint; offset?: bigint; fileName?: string; buildId?: string; flags?: number }): number {
    const i = this.mapStart.length;
    this.mapStart.push(m.start ?? 0n);
    this.mapLimit.push(m.limit ?? 0n);
    this.mapOffset.push(m.offset ?? 0n);
    this.mapFile.push(this.strings.intern(m.fileName ?? ''));
    this.mapBuildId.push(this.strings.intern(m.buildId ?? ''));
    this.mapFlags.push(m.flags ?? 0);
    return i;
  }

  /**
   * Adds a location whose frames are given leaf-first (innermost inlined callee first,
   * the containing function last), as pprof orders Line entries. An empty frame list or
   * a func of -1 stands for a frame without a name.
   */
  location(address: bigint, mapping: number, frames: { func: number; line?: number; column?: number }[], folded = false): number {
    if (frames.length === 0) frames = [{ func: -1 }];
    const i = this.locAddress.length;
    this.locAddress.push(address);
    this.locMapping.push(mapping);
    this.locFolded.push(folded ? 1 : 0);
    this.locFrameStart.push(this.frameFunc.length);
    for (let k = 0; k < frames.length; k++) {
      const f = frames[k];
      this.frameFunc.push(f.func >= 0 ? f.func : this.unsymbolized(mapping));
      this.frameLocation.push(i);
      this.frameLine.push(f.line ?? 0);
      this.frameColumn.push(f.column ?? 0);
      this.frameInlined.push(k < frames.length - 1 ? 1 : 0);
    }
    return i;
  }

  /**
   * Adds a sample whose stack is the given locations, leaf first. Its stack is made in
   * finish(), with every other sample's (model/stackBuild: walking samples grouped by
   * where their stacks go is several times faster than interning each as it comes).
   */
  sample(locationsLeafFirst: ArrayLike<number>, values: ArrayLike<number>, labels?: LabelInput[] | LabelSet, time?: number): void {
    this.samples++;
    this.sampleLoc.pushAll(locationsLeafFirst);
    this.sampleLocStart.push(this.sampleLoc.length);
    for (let c = 0; c < this.valueColumns; c++) this.sampleValues[c].push(values[c] ?? 0);
    if (time !== undefined) {
      if (!this.sampleTime) {
        this.sampleTime = float64s(1024);
        for (let i = 0; i < this.samples - 1; i++) this.sampleTime.push(NaN);
      }
      this.sampleTime.push(time);
    } else if (this.sampleTime) {
      this.sampleTime.push(NaN);
    }
    if (Array.isArray(labels)) {
      for (const l of labels) {
        this.labelKey.push(this.strings.intern(l.key));
        if (l.str !== undefined) {
          this.labelStr.push(this.strings.intern(l.str));
          this.labelNum.push(0);
          this.labelUnit.push(-1);
        } else {
          this.labelStr.push(-1);
          this.labelNum.push(l.num ?? 0);
          this.labelUnit.push(l.unit !== undefined ? this.strings.intern(l.unit) : -1);
        }
      }
    } else if (labels) {
      const set = labels as LabelSet;
      this.labelKey.pushAll(set.key);
      this.labelStr.pushAll(set.str);
      this.labelNum.pushAll(set.num);
      this.labelUnit.pushAll(set.unit);
    }
    this.labelStart.push(this.labelKey.length);
  }

  /**
   * The rows of a label list, interned: a decoder whose samples repeat a few label lists
   * (perf: one per thread and CPU) passes this to sample() instead of the list, which
   * saves interning its strings again per sample (a string-keyed Map lookup each, a
   * tenth of a big perf dump's decode).
   */
  labelSet(labels: LabelInput[]): LabelSet {
    const n = labels.length;
    const set = { key: new Int32Array(n), str: new Int32Array(n), num: new Float64Array(n), unit: new Int32Array(n) };
    for (let i = 0; i < n; i++) {
      const l = labels[i];
      set.key[i] = this.strings.intern(l.key);
      if (l.str !== undefined) {
        set.str[i] = this.strings.intern(l.str);
        set.unit[i] = -1;
      } else {
        set.str[i] = -1;
        set.num[i] = l.num ?? 0;
        set.unit[i] = l.unit !== undefined ? this.strings.intern(l.unit) : -1;
      }
    }
    return set;
  }

  get sampleCount(): number {
    return this.samples;
  }

  finish(meta: ProfileMeta): StackProfile {
    const funcs: FuncTable = {
      length: this.funcName.length,
      name: this.funcName.finish(),
      recordedName: this.funcRecordedName.finish(),
      fileName: this.funcFileName.finish(),
      startLine: this.funcStartLine.finish(),
      kind: this.funcKind.finish(),
    };
    const mappings: MappingTable = {
      length: this.mapStart.length,
      start: this.mapStart.finish(),
      limit: this.mapLimit.finish(),
      offset: this.mapOffset.finish(),
      fileName: this.mapFile.finish(),
      buildId: this.mapBuildId.finish(),
      flags: this.mapFlags.finish(),
    };
    this.locFrameStart.push(this.frameFunc.length);
    const locations: LocationTable = {
      length: this.locAddress.length,
      address: this.locAddress.finish(),
      mapping: this.locMapping.finish(),
      folded: this.locFolded.finish(),
      frameStart: this.locFrameStart.finish(),
    };
    const frames: FrameTable = {
      length: this.frameFunc.length,
      func: this.frameFunc.finish(),
      location: this.frameLocation.finish(),
      line: this.frameLine.finish(),
      column: this.frameColumn.finish(),
      inlined: this.frameInlined.finish(),
    };
    const locationStart = this.sampleLocStart.finish();
    const location = this.sampleLoc.finish();
    const { stacks, sampleStack } = buildSampleStacks(locationStart, location, locations.frameStart, frames.func, funcs.length);
    const samples: SampleTable = {
      length: this.samples,
      stack: sampleStack,
      locationStart,
      location,
      values: this.sampleValues.map((v) => v.finish()),
      time: this.sampleTime ? this.sampleTime.finish() : null,
      labelStart: this.labelStart.finish(),
    };
    const labels: LabelTable = {
      length: this.labelKey.length,
      key: this.labelKey.finish(),
      str: this.labelStr.finish(),
      num: this.labelNum.finish(),
      unit: this.labelUnit.finish(),
    };
    return {
      format: meta.format,
      encoding: meta.encoding,
      strings: this.strings.strings,
      sampleTypes: meta.sampleTypes,
      defaultSampleType: meta.defaultSampleType ?? meta.sampleTypes.length - 1,
      periodType: meta.periodType ?? null,
      period: meta.period ?? 0,
      timeNanos: meta.timeNanos ?? '0',
      durationNanos: meta.durationNanos ?? 0,
      comments: meta.comments ?? [],
      dropFrames: meta.dropFrames ?? '',
      keepFrames: meta.keepFrames ?? '',
      docUrl: meta.docUrl ?? '',
      funcs,
      mappings,
      locations,
      frames,
      stacks,
      samples,
      labels,
      warnings: this.warnings,
    };
  }
}
