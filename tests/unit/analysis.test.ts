// Call-tree transforms on real profiles from tools/gen, checked against invariants
// and, where pprof has the same operation, against `go tool pprof` itself.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callersTree, calleesTree, callTree, invertedCallTree, nodeAtPath, pathToNode, sampleWeights } from '../../src/analysis/callTree';
import { foldedStacks } from '../../src/analysis/collapse';
import { labelSummary, labelsOfFunction, tagFocusMask } from '../../src/analysis/labels';
import { funcNodes } from '../../src/analysis/nodes';
import { absTotal, topTable } from '../../src/analysis/top';
import { decodeAny } from '../../src/formats';
import type { StackProfile } from '../../src/model/profile';
import { goBinary, goEnv } from '../helpers/go';

const repo = path.resolve(__dirname, '../..');
const cpuFile = path.join(repo, 'public/examples/cpu.pb.gz');
const heapFile = path.join(repo, 'public/examples/heap.pb.gz');

const load = async (f: string): Promise<StackProfile> => (await decodeAny(new Uint8Array(readFileSync(f)))).profile;

function goAvailable(): boolean {
  if (goBinary()) return true;
  console.warn('skipped: no Go toolchain — tag-focus comparison with go tool pprof needs it');
  return false;
}

describe('call trees of the CPU example', async () => {
  const p = await load(cpuFile);
  const st = p.defaultSampleType;
  const w = sampleWeights(p, st);
  const nodes = funcNodes(p);
  const K = nodes.names.length;
  const top = callTree(p, w);
  const table = topTable(p, w);
  const cumOf = new Map<number, number>();
  table.keys.forEach((k, i) => cumOf.set(k, table.cum[i]));

  it('the stack table is a call tree whose paths are the samples\' location frames', () => {
    const seen = new Set<string>();
    for (let i = 0; i < p.stacks.length; i++) {
      expect(p.stacks.prefix[i]).toBeLessThan(i);
      const id = `${p.stacks.prefix[i]}/${p.stacks.func[i]}`;
      expect(seen.has(id)).toBe(false);
      seen.add(id);
    }
    for (let s = 0; s < p.samples.length; s++) {
      const fromLocations: number[] = [];
      for (let k = p.samples.locationStart[s]; k < p.samples.locationStart[s + 1]; k++) {
        const loc = p.samples.location[k];
        for (let f = p.locations.frameStart[loc]; f < p.locations.frameStart[loc + 1]; f++) fromLocations.push(p.frames.func[f]);
      }
      const fromStack: number[] = [];
      for (let st = p.samples.stack[s]; st !== -1; st = p.stacks.prefix[st]) fromStack.push(p.stacks.func[st]);
      expect(fromStack).toEqual(fromLocations);
    }
  });

  it('firstOfFunc marks exactly the stacks whose function is not on their path', async () => {
    const small = await load(path.join(repo, 'testdata/pprof/bigservice-small.pb.gz'));
    for (const q of [p, small]) {
      for (let i = 0; i < q.stacks.length; i++) {
        let onPath = false;
        for (let a = q.stacks.prefix[i]; a !== -1; a = q.stacks.prefix[a]) if (q.stacks.func[a] === q.stacks.func[i]) onPath = true;
        if (q.stacks.firstOfFunc[i] !== (onPath ? 0 : 1)) throw new Error(`stack ${i}: firstOfFunc ${q.stacks.firstOfFunc[i]}, path says ${onPath ? 0 : 1}`);
      }
    }
  });

  it('root total equals the sum of all sample values', () => {
    expect(top.total[0]).toBe(w.reduce((a, b) => a + b, 0));
    expect(absTotal(w)).toBe(top.total[0]);
  });

  it('every node total = self + children (top-down and inverted)', () => {
    for (const t of [top, invertedCallTree(p, w)]) {
      for (let n = 0; n < t.length; n++) {
        let sum = t.self[n];
        for (let c = t.firstChild[n]; c !== -1; c = t.nextSibling[c]) sum += t.total[c];
        expect(t.total[n]).toBe(sum);
      }
    }
  });

  it('the inverted tree has the same total and its roots carry the flat values', () => {
    const inv = invertedCallTree(p, w);
    expect(inv.total[0]).toBe(top.total[0]);
    const flatOf = new Map<number, number>();
    table.keys.forEach((k, i) => flatOf.set(k, table.flat[i]));
    for (let n = inv.firstChild[0]; n !== -1; n = inv.nextSibling[n]) {
      expect(inv.total[n]).toBe(flatOf.get(inv.key[n]));
    }
  });

  it('recursion is counted once: cum never exceeds the total, and fib recurses', () => {
    const fib = nodes.names.indexOf('main.fib');
    expect(fib).toBeGreaterThanOrEqual(0);
    let deepest = 0;
    for (let n = 1; n < top.length; n++) if (top.key[n] === fib) deepest = Math.max(deepest, pathToNode(top, n).filter((k) => k === fib).length);
    expect(deepest).toBeGreaterThan(3);
    for (const c of table.cum) expect(c).toBeLessThanOrEqual(top.total[0]);
  });

  it('callers and callees of every function total its cum (the sandwich view)', () => {
    for (const k of table.keys) {
      const callees = calleesTree(top, k, K);
      const callers = callersTree(top, k, K);
      expect(callees.total[1]).toBe(cumOf.get(k));
      expect(callers.total[1]).toBe(cumOf.get(k));
      expect(callees.key[1]).toBe(k);
    }
  });

  it('labels of a function split its cum exactly as a tag focus would', () => {
    for (const name of ['main.hashBlock', 'main.fib', 'runtime/pprof.Do']) {
      const k = nodes.names.indexOf(name);
      expect(k).toBeGreaterThanOrEqual(0);
      const shares = labelsOfFunction(p, w, k);
      expect(shares.length).toBeGreaterThan(0);
      for (const sh of shares) {
        const focused = topTable(p, sampleWeights(p, st, tagFocusMask(p, [{ key: sh.key, values: [sh.value] }])));
        const i = Array.from(focused.keys).indexOf(k);
        expect({ name, label: `${sh.key}=${sh.value}`, weight: sh.weight }).toEqual({ name, label: `${sh.key}=${sh.value}`, weight: focused.cum[i] });
      }
    }
  });

  it('paths round-trip through nodeAtPath', () => {
    for (let n = 0; n < top.length; n += 7) expect(nodeAtPath(top, pathToNode(top, n))).toBe(n);
    expect(nodeAtPath(top, [-5])).toBe(-1);
  });

  it('folded stacks sum to the total and have one line per distinct leaf path', () => {
    const text = foldedStacks(p, st);
    const lines = text.trim().split('\n');
    const sum = lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sum).toBe(top.total[0]);
    expect(new Set(lines.map((l) => l.slice(0, l.lastIndexOf(' ')))).size).toBe(lines.length);
    expect([...lines].sort()).toEqual(lines);
  });

  it.skipIf(!goAvailable())('tag focus keeps exactly what go tool pprof -tagfocus keeps', () => {
    const labels = labelSummary(p);
    const worker = labels.find((l) => l.key === 'worker');
    expect(worker?.values.map((v) => v.value)).toContain('hash');
    for (const value of ['hash', 'sort']) {
      const mask = tagFocusMask(p, [{ key: 'worker', values: [value] }]);
      const ours = topTable(p, sampleWeights(p, st, mask));
      const out = execFileSync(goBinary()!, ['tool', 'pprof', '-raw', `-tagfocus=worker=${value}`, cpuFile], { encoding: 'utf8', env: goEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
      // -raw lists each kept sample as "count cpu: locations"; sum the cpu column.
      const samples = out.slice(out.indexOf('Samples:'), out.indexOf('Locations'));
      let kept = 0;
      for (const m of samples.matchAll(/^\s+(\d+)\s+(\d+):/gm)) kept += Number(m[2]);
      const ourKept = sampleWeights(p, st, mask).reduce((a, b) => a + b, 0);
      expect(ourKept).toBe(kept);
      expect(ourKept).toBeGreaterThan(0);
      expect(ours.cum.every((c) => c <= ourKept)).toBe(true);
    }
  });
});

describe.skipIf(!existsSync(heapFile))('heap example', async () => {
  const p = await load(heapFile);
  it('defaults to inuse_space like pprof, carries the numeric bytes label', () => {
    expect(p.sampleTypes.map((t) => t.type)).toEqual(['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    expect(p.sampleTypes[p.defaultSampleType].type).toBe('inuse_space');
    const bytes = labelSummary(p).find((l) => l.key === 'bytes');
    expect(bytes?.numeric).toBe(true);
  });
});
