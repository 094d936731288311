// The checklist's numbers from sampled-stack profiles (StackProfile): CPU (pprof CPU
// profiles, perf cpu-clock/cycles events, a trace's CPU samples), heap, goroutine and
// contention (mutex / block) profiles.

import type { StackProfile } from '../../model/profile';
import { callTree, pathToNode, sampleWeights, type CallTree } from '../callTree';
import { funcNodes } from '../nodes';
import { absTotal, topFromTree } from '../top';
import type { Where } from './types';
import { round } from './stats';

export interface CpuClass {
  id: 'gc' | 'malloc' | 'memory' | 'scanobject' | 'runtime-leaf';
  label: string;
  /** Share of the total CPU weight (0..1). */
  share: number;
  /** The flame graph zoomed to the heaviest path into the class's main function. */
  where: Where | null;
}

export interface CpuEvidence {
  origin: 'pprof' | 'perf' | 'trace';
  sampleType: string;
  unit: string;
  samples: number;
  total: number;
  classes: CpuClass[];
  /** Heaviest functions by flat weight. */
  top: { name: string; flatShare: number; cumShare: number }[];
}

export interface HeapEvidence {
  inuseBytes: number | null;
  allocBytes: number | null;
  /** Function with the most inuse (else alloc) space at the leaf. */
  topSite: { name: string; share: number; where: Where } | null;
}

export interface GoroutineProfileEvidence {
  total: number;
  /** Identical stacks, most goroutines first (at most 20). `parked`: a scheduler park frame
   * is on the stack (unknown for debug=1 text, which omits runtime frames). */
  groups: { count: number; leaf: string; caller: string; parked: boolean; where: Where }[];
}

export interface ContentionEvidence {
  /** 'mutex' when stacks end in Unlock (mutex profile), else 'block'. */
  kind: 'mutex' | 'block';
  contentions: number;
  delayNs: number;
  /** Stacks involving sync.Mutex / RWMutex, worst mean delay per contention first (at most 10). */
  lockStacks: { contentions: number; delayNs: number; meanNs: number; leaf: string; caller: string; where: Where }[];
}

/** GC work: background mark workers, assists, marking (classic scanobject and Go 1.26's span
 * scanning), sweeping, scavenging, write barriers (gcWriteBarrier* is an assembly symbol). */
const GC_FUNC = /^(runtime\.(gc[A-Z]\w*|scan[A-Za-z]\w*|markroot\w*|greyobject|tryDeferToSpanScan|bgsweep|sweepone|bgscavenge|wbBufFlush\w*)|gcWriteBarrier\w*)$/;
/** Marking proper: scanobject, or scanSpan / scanObjectSmall with the Green Tea collector (Go 1.25+). */
const SCAN_FUNC = /^runtime\.(scanobject|scanSpan|scanObject\w*)$/;
const MALLOC_FUNC = /^runtime\.mallocgc\w*$/;
const LOCK_FUNC = /sync\.\(\*(RW)?Mutex\)\.(Lock|RLock|Unlock|RUnlock|lockSlow|unlockSlow|rUnlockSlow)$/;
const UNLOCK_LEAF = /sync\.\(\*(RW)?Mutex\)\.(Unlock|RUnlock)$/;
const PARK_FUNC = /^runtime\.(gopark|goparkunlock|selectgo|chanrecv\d?|chansend\d?|semacquire\w*|notetsleepg)$/;

function typeIndex(p: StackProfile, type: string, unit?: string): number {
  return p.sampleTypes.findIndex((t) => t.type === type && (unit === undefined || t.unit === unit));
}

/** Per stack: a bit set of which function classes appear on it (prefix tree: parents first). */
function stackFlags(p: StackProfile, funcFlag: Uint8Array): Uint8Array {
  const st = p.stacks;
  const f = new Uint8Array(st.length);
  for (let i = 0; i < st.length; i++) f[i] = (st.prefix[i] >= 0 ? f[st.prefix[i]] : 0) | funcFlag[st.func[i]];
  return f;
}

/** Names from the root down to call-tree node n (the flame graph's zoom path). */
function zoomPath(t: CallTree, names: string[], n: number): string[] {
  return pathToNode(t, n).map((k) => names[k]);
}

/** The call-tree node with the most weight among the nodes of function key k (or -1). */
function heaviestNode(t: CallTree, k: number): number {
  let best = -1;
  for (let n = 1; n < t.length; n++) if (t.key[n] === k && (best < 0 || Math.abs(t.total[n]) > Math.abs(t.total[best]))) best = n;
  return best;
}

function leafAndCaller(p: StackProfile, names: string[], stack: number, skip: (name: string) => boolean): { leaf: string; caller: string } {
  const leaf = stack >= 0 ? names[p.stacks.func[stack]] : '';
  let s = stack;
  const internal = (n: string) => skip(n) || n.startsWith('runtime.') || n.startsWith('internal/') || n.startsWith('<unknown');
  while (s >= 0 && internal(names[p.stacks.func[s]])) s = p.stacks.prefix[s];
  return { leaf, caller: s >= 0 ? names[p.stacks.func[s]] : '' };
}

export function cpuEvidence(p: StackProfile, origin: CpuEvidence['origin'], sampleType: number, whereBase: Where = {}): CpuEvidence {
  const nodes = funcNodes(p);
  const names = nodes.names;
  const GC = 1;
  const MALLOC = 2;
  const SCAN = 4;
  const fflag = new Uint8Array(names.length);
  names.forEach((n, i) => {
    if (GC_FUNC.test(n)) fflag[i] |= GC;
    if (MALLOC_FUNC.test(n)) fflag[i] |= MALLOC;
    if (SCAN_FUNC.test(n)) fflag[i] |= SCAN;
  });
  const flags = stackFlags(p, fflag);
  const w = sampleWeights(p, sampleType);
  const total = absTotal(w);
  let gc = 0;
  let malloc = 0;
  let scan = 0;
  let runtimeLeaf = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const s = p.samples.stack[i];
    if (s < 0) continue;
    const v = Math.abs(w[i]);
    const f = flags[s];
    if (f & GC) gc += v;
    else if (f & MALLOC) malloc += v;
    if (f & SCAN) scan += v;
    if (names[p.stacks.func[s]].startsWith('runtime.')) runtimeLeaf += v;
  }
  const tree = callTree(p, w);
  const st = p.sampleTypes[sampleType];
  const whereOf = (fn: (name: string) => boolean): Where | null => {
    let best = -1;
    for (let k = 0; k < names.length; k++) {
      if (!fn(names[k])) continue;
      const n = heaviestNode(tree, k);
      if (n >= 0 && (best < 0 || Math.abs(tree.total[n]) > Math.abs(tree.total[best]))) best = n;
    }
    if (best < 0) return null;
    return { ...whereBase, view: 'flame', sampleType: origin === 'pprof' ? st.type : null, zoomPath: zoomPath(tree, names, best), selectedFunction: names[tree.key[best]] };
  };
  const share = (x: number) => (total > 0 ? round(x / total, 4) : 0);
  const gcWhere = whereOf((n) => n === 'runtime.gcBgMarkWorker') ?? whereOf((n) => GC_FUNC.test(n));
  const top = topFromTree(tree, names.length, names, total);
  const topRows: CpuEvidence['top'] = [];
  for (let i = 0; i < Math.min(8, top.keys.length); i++) topRows.push({ name: names[top.keys[i]], flatShare: share(top.flat[i]), cumShare: share(top.cum[i]) });
  return {
    origin,
    sampleType: st.type,
    unit: st.unit,
    samples: p.samples.length,
    total,
    classes: [
      { id: 'memory', label: 'GC and allocation (mallocgc)', share: share(gc + malloc), where: gcWhere ?? whereOf((n) => MALLOC_FUNC.test(n)) },
      { id: 'gc', label: 'GC (mark workers, assists, sweeping, write barriers)', share: share(gc), where: gcWhere },
      { id: 'malloc', label: 'allocation (mallocgc, outside GC work)', share: share(malloc), where: whereOf((n) => n === 'runtime.mallocgc') ?? whereOf((n) => MALLOC_FUNC.test(n)) },
      { id: 'scanobject', label: 'marking (runtime.scanobject, or scanSpan / scanObjectSmall)', share: share(scan), where: whereOf((n) => SCAN_FUNC.test(n)) },
      { id: 'runtime-leaf', label: 'runtime.* at the leaf (GC, allocation, scheduler, locks)', share: share(runtimeLeaf), where: null },
    ],
    top: topRows,
  };
}

/** The CPU sample type of a profile, or -1 when it is not a CPU profile. */
export function cpuSampleType(p: StackProfile): number {
  const cpu = typeIndex(p, 'cpu', 'nanoseconds');
  if (cpu >= 0) return cpu;
  if (p.periodType?.type === 'cpu') return typeIndex(p, 'samples');
  return -1;
}

export function heapEvidence(p: StackProfile): HeapEvidence | null {
  const inuse = typeIndex(p, 'inuse_space');
  const alloc = typeIndex(p, 'alloc_space');
  if (inuse < 0 && alloc < 0) return null;
  const sum = (i: number) => (i < 0 ? null : p.samples.values[i].reduce((a, b) => a + b, 0));
  const use = inuse >= 0 ? inuse : alloc;
  const nodes = funcNodes(p);
  const w = sampleWeights(p, use);
  const tree = callTree(p, w);
  const top = topFromTree(tree, nodes.names.length, nodes.names, absTotal(w));
  let topSite: HeapEvidence['topSite'] = null;
  if (top.keys.length > 0 && top.total > 0) {
    const k = top.keys[0];
    const n = heaviestNode(tree, k);
    topSite = {
      name: nodes.names[k],
      share: round(top.flat[0] / top.total, 4),
      where: { view: 'flame', sampleType: p.sampleTypes[use].type, zoomPath: n >= 0 ? zoomPath(tree, nodes.names, n) : [], selectedFunction: nodes.names[k] },
    };
  }
  return { inuseBytes: sum(inuse), allocBytes: sum(alloc), topSite };
}

export function goroutineProfileEvidence(p: StackProfile): GoroutineProfileEvidence | null {
  const gi = typeIndex(p, 'goroutine');
  if (gi < 0) return null;
  const nodes = funcNodes(p);
  const names = nodes.names;
  const byStack = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const v = p.samples.values[gi][i];
    total += v;
    byStack.set(p.samples.stack[i], (byStack.get(p.samples.stack[i]) ?? 0) + v);
  }
  const tree = callTree(p, sampleWeights(p, gi));
  const groups = [...byStack]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([stack, count]) => {
      let parked = false;
      for (let s = stack; s >= 0; s = p.stacks.prefix[s]) if (PARK_FUNC.test(names[p.stacks.func[s]])) parked = true;
      const { leaf, caller } = leafAndCaller(p, names, stack, () => false);
      // Stack s is call-tree node s + 1 (callTree.ts).
      return { count, leaf, caller, parked, where: { view: 'flame', sampleType: 'goroutine', zoomPath: stack >= 0 ? zoomPath(tree, names, stack + 1) : [] } as Where };
    });
  return { total, groups };
}

export function contentionEvidence(p: StackProfile): ContentionEvidence | null {
  const ci = typeIndex(p, 'contentions');
  const di = typeIndex(p, 'delay');
  if (ci < 0 || di < 0) return null;
  const nodes = funcNodes(p);
  const names = nodes.names;
  const byStack = new Map<number, { c: number; d: number }>();
  let contentions = 0;
  let delay = 0;
  let unlockLeaves = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const c = p.samples.values[ci][i];
    const d = p.samples.values[di][i];
    contentions += c;
    delay += d;
    const s = p.samples.stack[i];
    if (s < 0) continue;
    if (UNLOCK_LEAF.test(names[p.stacks.func[s]])) unlockLeaves++;
    let lock = false;
    for (let x = s; x >= 0; x = p.stacks.prefix[x]) if (LOCK_FUNC.test(names[p.stacks.func[x]])) lock = true;
    if (!lock) continue;
    const a = byStack.get(s) ?? { c: 0, d: 0 };
    a.c += c;
    a.d += d;
    byStack.set(s, a);
  }
  const tree = callTree(p, sampleWeights(p, di));
  const lockStacks = [...byStack]
    .filter(([, a]) => a.c > 0)
    .map(([s, a]) => {
      const { leaf, caller } = leafAndCaller(p, names, s, (n) => LOCK_FUNC.test(n));
      return { contentions: a.c, delayNs: a.d, meanNs: round(a.d / a.c, 0), leaf, caller, where: { view: 'flame', sampleType: 'delay', zoomPath: zoomPath(tree, names, s + 1) } as Where };
    })
    .sort((a, b) => b.meanNs - a.meanNs)
    .slice(0, 10);
  return { kind: unlockLeaves > 0 ? 'mutex' : 'block', contentions, delayNs: delay, lockStacks };
}
