// The stack table every pprof profile gets: model/stackBuild interns samples in a grouped
// order, reusing what the previous walk shared and appending without lookups below a
// new node, over the PrefixTrie's three child layouts (one child, a pair block, the wide
// hash). Each shortcut is checked against the plain definition: a sample's stack is the
// path of its functions, root first; (prefix, func) pairs are unique; firstOfFunc is 1
// exactly where no ancestor has the same function.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAny } from '../../src/formats';
import type { StackProfile, StackTable } from '../../src/model/profile';
import { buildSampleStacks } from '../../src/model/stackBuild';
import { PrefixTrie } from '../../src/model/trie';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Functions of a sample root first, expanding each location's frames (leaf first in the table). */
function expectedPath(locs: ArrayLike<number>, frameStart: Int32Array, frameFunc: Int32Array): number[] {
  const out: number[] = [];
  for (let i = locs.length - 1; i >= 0; i--) {
    const l = locs[i];
    for (let f = frameStart[l + 1] - 1; f >= frameStart[l]; f--) out.push(frameFunc[f]);
  }
  return out;
}

function pathOf(st: StackTable, node: number): number[] {
  const out: number[] = [];
  for (let n = node; n !== -1; n = st.prefix[n]) out.push(st.func[n]);
  return out.reverse();
}

function checkTable(st: StackTable): void {
  const seen = new Set<string>();
  for (let i = 0; i < st.length; i++) {
    expect(st.prefix[i]).toBeLessThan(i);
    const k = `${st.prefix[i]}/${st.func[i]}`;
    expect(seen.has(k)).toBe(false);
    seen.add(k);
    let first = 1;
    for (let a = st.prefix[i]; a !== -1; a = st.prefix[a]) if (st.func[a] === st.func[i]) first = 0;
    expect(st.firstOfFunc[i]).toBe(first);
  }
}

/** Random locations (some with inlined frames, few functions so recursion is common) and samples. */
function randomProfile(seed: number, nSamples: number, grouped: boolean, nLocs = 60) {
  const r = rng(seed);
  const nFuncs = 12;
  const frameStart = new Int32Array(nLocs + 1);
  const frames: number[] = [];
  for (let l = 0; l < nLocs; l++) {
    frameStart[l] = frames.length;
    const n = r() < 0.2 ? 2 + Math.floor(r() * 3) : 1;
    for (let k = 0; k < n; k++) frames.push(Math.floor(r() * nFuncs));
  }
  frameStart[nLocs] = frames.length;
  // Samples share root-side prefixes drawn from a few bases, so walks share, diverge and recurse.
  // Grouped input (like Go heap profiles) shares at least the root-most 8 locations, which
  // decide a sample's group, with its neighbours.
  const bases = Array.from({ length: 6 }, () => Array.from({ length: (grouped ? 8 : 4) + Math.floor(r() * 10) }, () => Math.floor(r() * nLocs)));
  const samples: number[][] = [];
  for (let s = 0; s < nSamples; s++) {
    if (!grouped && r() < 0.03) {
      samples.push([]);
      continue;
    }
    const base = bases[Math.floor(r() * bases.length)];
    const keep = grouped ? 8 + Math.floor(r() * (base.length - 7)) : Math.floor(r() * (base.length + 1));
    const rootFirst = base.slice(0, keep);
    const extra = Math.floor(r() * 8);
    for (let k = 0; k < extra; k++) rootFirst.push(Math.floor(r() * nLocs));
    samples.push(rootFirst.reverse()); // leaf first
  }
  if (grouped) samples.sort((a, b) => a.slice().reverse().join(',').localeCompare(b.slice().reverse().join(',')));
  const locationStart = new Int32Array(nSamples + 1);
  const location: number[] = [];
  samples.forEach((s, i) => {
    location.push(...s);
    locationStart[i + 1] = location.length;
  });
  return { frameStart, frameFunc: Int32Array.from(frames), locationStart, location: Int32Array.from(location), nFuncs, samples };
}

describe('buildSampleStacks', () => {
  // Input in random order takes the copy-into-group-order path; input already grouped walks in place.
  // More than 65536 locations: the group-order copy cannot use 16-bit rows.
  for (const [seed, grouped, nLocs] of [
    [1, false, 60],
    [2, false, 60],
    [3, true, 60],
    [4, true, 60],
    [5, false, 70000],
  ] as const) {
    it(`seed ${seed}, ${grouped ? 'grouped' : 'shuffled'} input, ${nLocs} locations: every sample's stack is its function path`, () => {
      const g = randomProfile(seed, 3000, grouped, nLocs);
      const { stacks, sampleStack } = buildSampleStacks(g.locationStart, g.location, g.frameStart, g.frameFunc, g.nFuncs);
      checkTable(stacks);
      g.samples.forEach((locs, s) => {
        const want = expectedPath(locs, g.frameStart, g.frameFunc);
        if (want.length === 0) expect(sampleStack[s]).toBe(-1);
        else expect(pathOf(stacks, sampleStack[s])).toEqual(want);
      });
      // Every node is some sample's stack or an ancestor of one: nothing extra was created.
      const used = new Uint8Array(stacks.length);
      for (const s of sampleStack) for (let n = s; n !== -1 && !used[n]; n = stacks.prefix[n]) used[n] = 1;
      expect(used.every((u) => u === 1)).toBe(true);
    });
  }
});

describe('PrefixTrie', () => {
  it('agrees with a map of (parent, label) pairs through single children, pair blocks and the wide hash', () => {
    const r = rng(7);
    const t = new PrefixTrie(16); // small: grows several times
    const ref = new Map<string, number>();
    const parents: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20000; i++) {
      // Parents near the root get many children (> 8: the hash), others few.
      const parent = parents.length === 0 || r() < 0.05 ? -1 : Math.floor(r() * r() * parents.length);
      const label = Math.floor(r() * (parent === -1 ? 40 : 12));
      const key = `${parent}/${label}`;
      const before = t.length;
      const got = t.intern(parent, label);
      if (ref.has(key)) {
        expect(got).toBe(ref.get(key));
        expect(t.created).toBe(false);
        expect(t.length).toBe(before);
      } else {
        expect(got).toBe(before);
        expect(t.created).toBe(true);
        ref.set(key, got);
        parents.push(parent);
        labels.push(label);
      }
      expect(t.parent(got)).toBe(parent);
      expect(t.label(got)).toBe(label);
    }
    const f = t.finish();
    expect(Array.from(f.parent)).toEqual(parents);
    expect(Array.from(f.label)).toEqual(labels);
    // Rooted sibling lists hold exactly each node's children, in creation order.
    const rooted = t.finishRooted();
    for (let n = 0; n < rooted.parent.length; n++) {
      const kids: number[] = [];
      for (let c = rooted.firstChild[n]; c !== -1; c = rooted.nextSibling[c]) kids.push(c);
      const want: number[] = [];
      for (let c = 1; c < rooted.parent.length; c++) if (rooted.parent[c] === n) want.push(c);
      expect(kids).toEqual(want);
    }
  });
});

describe('a real profile', () => {
  it('bigservice-small: every sample stack is the path of its kept locations', async () => {
    const file = path.resolve(__dirname, '../../testdata/pprof/bigservice-small.pb.gz');
    const p: StackProfile = (await decodeAny(new Uint8Array(readFileSync(file)))).profile;
    checkTable(p.stacks);
    const s = p.samples;
    for (let i = 0; i < s.length; i++) {
      const want = expectedPath(s.location.subarray(s.locationStart[i], s.locationStart[i + 1]), p.locations.frameStart, p.frames.func);
      if (want.length === 0) expect(s.stack[i]).toBe(-1);
      else expect(pathOf(p.stacks, s.stack[i])).toEqual(want);
    }
  });
});
