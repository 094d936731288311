// Analysis of a `perf script` dump in the worker: the call tree / top table / sandwich of
// ONE event's profile (never a sum of events), weighted by period or by count, restricted
// to a process or thread and to a time range.
//
// Each event is its own StackProfile with its own function table, while the views index
// functions by one key space per source (summary.nodeNames). So the workspace builds the
// union of the events' functions — a function is its (kind, name), as the decoder interns
// it — and maps each event's function ids into it. The map is injective, so trees keep
// their shape (and their recursion bookkeeping) under it.

import type { PerfDump } from '../../formats/perf/model';
import type { StackProfile } from '../../model/profile';
import type { AnalysisQuery, AnalysisResult } from '../../worker/protocol';
import { callTree, callersTree, calleesTree, invertedCallTree, sampleWeights, type CallTree } from '../callTree';
import { labelsOfFunction, tagFocusMask } from '../labels';
import { funcNodes, type FuncNodes } from '../nodes';
import { absTotal, topFromTree } from '../top';
import { keepTimeRange } from '../query';
import { defaultPerfEvent } from '../../formats';
import { sampleTasks, type SampleTasks } from './viewData';

export type PerfWeight = 'period' | 'count';

export interface PerfFilter {
  /** [t0, t1) in ns since the dump's first sample. */
  timeRange?: [number, number] | null;
  /** Samples of this process (pid label, else tid). */
  pid?: number | null;
  /** Samples of this thread. */
  tid?: number | null;
}

export class PerfWorkspace {
  /** Union of every event's functions: the source's function keys. */
  readonly nodes: FuncNodes;
  readonly defaultEvent: number;
  private readonly toGlobal: Int32Array[] = [];
  private readonly tasksCache: (SampleTasks | undefined)[] = [];
  private readonly keyCache = new WeakMap<Int32Array, Int32Array>();

  constructor(readonly dump: PerfDump) {
    const names: string[] = [];
    const fullNames: string[] = [];
    const files: string[] = [];
    const kinds: number[] = [];
    const index = new Map<string, number>();
    for (const e of dump.profiles) {
      const n = funcNodes(e.profile);
      const map = new Int32Array(n.names.length);
      for (let f = 0; f < n.names.length; f++) {
        const id = `${n.kinds[f]}\u0000${n.names[f]}`;
        let g = index.get(id);
        if (g === undefined) {
          g = names.length;
          index.set(id, g);
          names.push(n.names[f]);
          fullNames.push(n.fullNames[f]);
          files.push(n.files[f]);
          kinds.push(n.kinds[f]);
        }
        map[f] = g;
      }
      this.toGlobal.push(map);
    }
    this.nodes = { names, fullNames, files, kinds: Uint8Array.from(kinds) };
    this.defaultEvent = dump.profiles.length > 0 ? defaultPerfEvent(dump) : 0;
  }

  eventIndex(i: number | undefined | null): number {
    return i !== undefined && i !== null && i >= 0 && i < this.dump.profiles.length ? i : this.defaultEvent;
  }

  profile(ev: number): StackProfile {
    return this.dump.profiles[this.eventIndex(ev)].profile;
  }

  /** Process and thread of every sample of event `ev` (cached). */
  tasks(ev: number): SampleTasks {
    let t = this.tasksCache[ev];
    if (!t) this.tasksCache[ev] = t = sampleTasks(this.dump.profiles[ev].profile);
    return t;
  }

  /** Global key of event `ev`'s function `f`. */
  globalKey(ev: number, f: number): number {
    return f >= 0 ? this.toGlobal[ev][f] : -1;
  }

  /** Event `ev`'s function id of global key `key`, or -1 when the event has none. */
  localKey(ev: number, key: number): number {
    return this.toGlobal[ev].indexOf(key);
  }

  private remap(ev: number, keys: Int32Array): Int32Array {
    const map = this.toGlobal[ev];
    const out = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = keys[i] >= 0 ? map[keys[i]] : -1;
    return out;
  }

  /** A tree of event `ev` with global keys. The top-down tree's structure is cached per
   * profile (callTree.ts), so its remapped keys are cached too. */
  private globalTree(ev: number, t: CallTree, cache: boolean): CallTree {
    if (!cache) return { ...t, key: this.remap(ev, t.key) };
    let k = this.keyCache.get(t.key);
    if (!k) this.keyCache.set(t.key, (k = this.remap(ev, t.key)));
    return { ...t, key: k };
  }

  /** Samples of event `ev` that pass the filter and the tag focus; null = all. */
  mask(ev: number, filter: PerfFilter, tagMask: Uint8Array | null): Uint8Array | null {
    const p = this.profile(ev);
    const range = filter.timeRange ?? null;
    const pid = filter.pid ?? null;
    const tid = filter.tid ?? null;
    if (range === null && pid === null && tid === null) return tagMask;
    const n = p.samples.length;
    const mask = tagMask ? tagMask.slice() : new Uint8Array(n).fill(1);
    if (range !== null) keepTimeRange(mask, p.samples.time, range);
    if (tid !== null) {
      const tt = this.tasks(ev).tid;
      for (let i = 0; i < n; i++) if (tt[i] !== tid) mask[i] = 0;
    } else if (pid !== null) {
      const pp = this.tasks(ev).pid;
      for (let i = 0; i < n; i++) if (pp[i] !== pid) mask[i] = 0;
    }
    return mask;
  }

  analyze(query: AnalysisQuery): AnalysisResult {
    const started = performance.now();
    const ev = this.eventIndex(query.perfEvent);
    const p = this.profile(ev);
    const col = query.perfWeight === 'count' || p.samples.values.length < 2 ? 0 : 1;
    const mask = this.mask(ev, { timeRange: query.timeRange, pid: query.perfPid, tid: query.perfTid }, tagFocusMask(p, query.tagFocus));
    const weights = sampleWeights(p, col, mask);
    const keyCount = this.nodes.names.length;
    const topDown = this.globalTree(ev, callTree(p, weights), true);
    const top = topFromTree(topDown, keyCount, this.nodes.names, absTotal(p.samples.values[col]));
    const tree = query.inverted ? this.globalTree(ev, invertedCallTree(p, weights), false) : topDown;
    let kept = p.samples.length;
    if (mask) {
      kept = 0;
      for (let i = 0; i < mask.length; i++) kept += mask[i];
    }
    const focus = query.focusKey;
    const hasFocus = focus !== null && focus >= 0 && focus < keyCount;
    const localFocus = hasFocus ? this.localKey(ev, focus) : -1;
    return {
      query,
      tree,
      top,
      keptSamples: kept,
      callers: hasFocus ? callersTree(topDown, focus, keyCount) : null,
      callees: hasFocus ? calleesTree(topDown, focus, keyCount) : null,
      focusLabels: localFocus >= 0 ? labelsOfFunction(p, weights, localFocus) : [],
      analyzeMs: performance.now() - started,
    };
  }
}
