// Flame-graph data: pruning/re-rooting, search matching and statistics, colours.
import { describe, expect, it } from 'vitest';
import type { CallTree } from '../../src/analysis/callTree';
import {
  buildFlameData,
  frameColor,
  isRuntimePackage,
  makeMatcher,
  matchKeys,
  namePath,
  nameIndex,
  packageOf,
  resolveZoom,
  searchStats,
  type FlameDatum,
} from '../../src/views/flameData';

/** A CallTree from root->leaf stacks of function names with a weight each. */
function treeOf(stacks: [string[], number][]): { tree: CallTree; names: string[] } {
  const names: string[] = [];
  const keyOf = new Map<string, number>();
  const parent = [-1];
  const key = [-1];
  const self = [0];
  const child = new Map<string, number>();
  for (const [stack, w] of stacks) {
    let n = 0;
    for (const fn of stack) {
      let k = keyOf.get(fn);
      if (k === undefined) {
        k = names.length;
        names.push(fn);
        keyOf.set(fn, k);
      }
      const id = `${n}/${k}`;
      let c = child.get(id);
      if (c === undefined) {
        c = parent.length;
        parent.push(n);
        key.push(k);
        self.push(0);
        child.set(id, c);
      }
      n = c;
    }
    self[n] += w;
  }
  const len = parent.length;
  const total = Float64Array.from(self);
  for (let i = len - 1; i > 0; i--) total[parent[i]] += total[i];
  // Sibling lists in insertion order, lightest first, so nothing may rely on heavy-first order.
  const firstChild = new Int32Array(len).fill(-1);
  const nextSibling = new Int32Array(len).fill(-1);
  const kids: number[][] = Array.from({ length: len }, () => []);
  for (let i = 1; i < len; i++) kids[parent[i]].push(i);
  for (let i = 0; i < len; i++) {
    const order = kids[i].sort((a, b) => Math.abs(total[a]) - Math.abs(total[b]) || a - b);
    for (let j = order.length - 1; j >= 0; j--) {
      nextSibling[order[j]] = firstChild[i];
      firstChild[i] = order[j];
    }
  }
  return {
    tree: {
      length: len,
      parent: Int32Array.from(parent),
      key: Int32Array.from(key),
      total,
      self: Float64Array.from(self),
      firstChild,
      nextSibling,
    },
    names,
  };
}

function walk(d: FlameDatum, f: (d: FlameDatum, depth: number) => void, depth = 0): void {
  f(d, depth);
  for (const c of d.children ?? []) walk(c, f, depth + 1);
}

describe('packageOf', () => {
  it.each([
    ['github.com/x/y/pkg.(*T).m', 'github.com/x/y/pkg'],
    ['github.com/x/y/pkg.Func', 'github.com/x/y/pkg'],
    ['main.main', 'main'],
    ['main.main.func1.1', 'main'],
    ['runtime.mallocgc', 'runtime'],
    ['runtime/pprof.Do', 'runtime/pprof'],
    ['net/http.(*conn).serve', 'net/http'],
    ['internal/runtime/atomic.Load', 'internal/runtime/atomic'],
    ['gopkg.in/yaml.v3.(*decoder).unmarshal', 'gopkg.in/yaml.v3'],
    ['slices.SortFunc[go.shape.struct { main.key string }]', 'slices'],
    ['github.com/a/b.Map[github.com/c/d.T].Get', 'github.com/a/b'],
    ['std::vector<int>::push_back', 'std'],
    ['memcpy', 'memcpy'],
  ])('%s -> %s', (name, pkg) => {
    expect(packageOf(name)).toBe(pkg);
  });

  it('recognises the runtime', () => {
    expect(isRuntimePackage('runtime')).toBe(true);
    expect(isRuntimePackage('runtime/internal/sys')).toBe(true);
    expect(isRuntimePackage('internal/runtime/maps')).toBe(true);
    expect(isRuntimePackage('runtimex')).toBe(false);
    expect(isRuntimePackage('main')).toBe(false);
  });
});

describe('frameColor', () => {
  const hue = (c: string) => Number(/^hsl\((\d+)/.exec(c)![1]);
  it('is deterministic and keeps a package in one hue', () => {
    expect(frameColor('main.a', 0)).toBe(frameColor('main.a', 0));
    expect(hue(frameColor('main.a', 0))).toBe(hue(frameColor('main.b', 0)));
  });
  it('mutes the runtime and separates kernel / JIT / unsymbolized', () => {
    const rt = frameColor('runtime.mallocgc', 0);
    expect(rt).toMatch(/^hsl\(2\d\d, 14%/);
    const user = hue(frameColor('main.a', 0));
    expect(user).toBeLessThan(56);
    expect(hue(frameColor('do_syscall_64', 1))).toBeGreaterThanOrEqual(200);
    const jit = hue(frameColor('Interpreter', 2));
    expect(jit).toBeGreaterThanOrEqual(100);
    expect(jit).toBeLessThan(140);
    expect(frameColor('0x4567', 3)).toBe(frameColor('0x9999', 3));
  });
});

describe('makeMatcher', () => {
  it('matches substrings case-insensitively by default, regex metacharacters literally', () => {
    const m = makeMatcher('FiB', false);
    expect(m.ok && m.active && m.test('main.fib')).toBe(true);
    const p = makeMatcher('fn_1(', false);
    expect(p.ok && p.test('pkg.fn_1(x)')).toBe(true);
    const u = makeMatcher('[unknown]', false);
    expect(u.ok && u.test('[unknown]') && !u.test('n')).toBe(true);
  });
  it('supports regex and reports invalid patterns instead of throwing', () => {
    const r = makeMatcher('^main\\.(fib|walk)$', true);
    expect(r.ok && r.test('main.fib') && r.test('MAIN.WALK') && !r.test('main.fibx')).toBe(true);
    for (const bad of ['fn_1(', '[unknown', '*', '(?<', '\\', 'a{2,1}', '+++', ')(']) {
      let m: ReturnType<typeof makeMatcher> | undefined;
      expect(() => (m = makeMatcher(bad, true))).not.toThrow();
      expect(m!.ok).toBe(false);
      expect(() => makeMatcher(bad, false)).not.toThrow();
    }
    const g = makeMatcher('a', true); // stateful flags must not leak between tests
    expect(g.ok && g.test('a') && g.test('a')).toBe(true);
  });
  it('is inactive when empty', () => {
    const m = makeMatcher('', true);
    expect(m.ok && !m.active).toBe(true);
    expect(matchKeys(['a'], m)).toEqual(new Uint8Array([0]));
  });
});

describe('searchStats', () => {
  it('counts matches in the full tree without double counting nested matches', () => {
    const { tree, names } = treeOf([
      [['main', 'fib', 'fib', 'fib'], 10],
      [['main', 'fib'], 5],
      [['main', 'walk'], 20],
      [['main', 'walk', 'fib'], 1],
    ]);
    const s = searchStats(tree, matchKeys(names, makeMatcher('fib', false)));
    expect(s.matches).toBe(4); // fib x3 nested + fib under walk
    expect(s.functions).toBe(1);
    expect(s.value).toBe(16); // 15 (outermost fib) + 1 (fib under walk)
    expect(s.total).toBe(36);
    const none = searchStats(tree, matchKeys(names, makeMatcher('zzz', false)));
    expect(none).toEqual({ matches: 0, functions: 0, value: 0, total: 36 });
  });
});

describe('resolveZoom / namePath', () => {
  const { tree, names } = treeOf([
    [['runtime.main', 'main.main', 'main.work'], 5],
    [['runtime.main', 'main.main', 'main.idle'], 1],
  ]);
  const idx = nameIndex(names);
  it('follows a full path and reports partial ones', () => {
    const full = resolveZoom(tree, idx, ['runtime.main', 'main.main', 'main.work']);
    expect(full.complete).toBe(true);
    expect(full.chain.length).toBe(4);
    expect(namePath(tree, names, full.chain[3])).toEqual(['runtime.main', 'main.main', 'main.work']);
    const part = resolveZoom(tree, idx, ['runtime.main', 'main.nope', 'main.work']);
    expect(part.complete).toBe(false);
    expect(part.chain.length).toBe(2);
    expect(resolveZoom(tree, idx, []).chain).toEqual([0]);
    expect(resolveZoom(tree, idx, ['unknown.fn']).chain).toEqual([0]);
  });
});

describe('buildFlameData', () => {
  it('keeps frames at least one pixel wide and shows ancestors as a faded chain', () => {
    const stacks: [string[], number][] = [[['main', 'big'], 1000]];
    for (let i = 0; i < 50; i++) stacks.push([['main', `tiny${i}`], 1]);
    const { tree, names } = treeOf(stacks);
    const d = buildFlameData(tree, names, [0], 100);
    // threshold = 1050 / 100 = 10.5: the tiny frames are pruned.
    const seen: string[] = [];
    walk(d.root, (x) => seen.push(x.name));
    expect(seen).toEqual(['root', 'main', 'big']);
    expect(d.count).toBe(3);
    expect(d.pruned).toBe(true);
    // Wider chart: everything shows.
    const wide = buildFlameData(tree, names, [0], 2000);
    expect(wide.count).toBe(53);
    expect(wide.pruned).toBe(false);

    const zoom = resolveZoom(tree, nameIndex(names), ['main', 'big']);
    const z = buildFlameData(tree, names, zoom.chain, 100);
    const chain: FlameDatum[] = [];
    walk(z.root, (x) => chain.push(x));
    expect(chain.map((x) => x.name)).toEqual(['root', 'main', 'big']);
    expect(chain.map((x) => !!x.fade)).toEqual([true, true, false]);
    expect(chain.every((x) => x.value === 1000)).toBe(true);
    expect(z.zoomNode).toBe(zoom.chain[2]);
  });

  it('caps the frame count, keeps the heaviest, and never makes a parent narrower than its children', () => {
    // A wide tree: 3 levels of 20 children with decreasing weights.
    const stacks: [string[], number][] = [];
    for (let a = 0; a < 20; a++) for (let b = 0; b < 20; b++) stacks.push([['r', `a${a}`, `b${a}_${b}`], 100 - a - b]);
    const { tree, names } = treeOf(stacks);
    const d = buildFlameData(tree, names, [0], 1e9, 50);
    let count = 0;
    let minKept = Infinity;
    walk(d.root, (x) => {
      count++;
      const sum = (x.children ?? []).reduce((s, c) => s + c.value, 0);
      expect(x.value).toBeGreaterThanOrEqual(sum);
      expect(x.value).toBeGreaterThanOrEqual(0);
      if (x.node !== 0) minKept = Math.min(minKept, tree.total[x.node]);
    });
    expect(count).toBe(d.count);
    expect(count).toBeLessThanOrEqual(50);
    // No dropped node is heavier than the lightest kept one.
    const kept = new Set<number>();
    walk(d.root, (x) => kept.add(x.node));
    for (let n = 1; n < tree.length; n++) if (!kept.has(n)) expect(tree.total[n]).toBeLessThanOrEqual(minKept);
  });

  it('handles a very deep chain within the budget', () => {
    const deep: string[] = [];
    for (let i = 0; i < 6000; i++) deep.push(`f${i}`);
    const { tree, names } = treeOf([[deep, 1]]);
    const d = buildFlameData(tree, names, [0], 1200, 3000);
    expect(d.count).toBe(3000);
    const zoom = resolveZoom(tree, nameIndex(names), deep.slice(0, 4000));
    const z = buildFlameData(tree, names, zoom.chain, 1200, 3000);
    expect(z.count).toBeLessThanOrEqual(3000);
    const seen: FlameDatum[] = [];
    walk(z.root, (x) => seen.push(x));
    expect(seen.length).toBe(z.count);
    expect(seen[0].name).toBe('root');
    expect(seen[1].name).toMatch(/^… [\d,]+ frames …$/);
    expect(seen.find((x) => x.node === z.zoomNode)?.name).toBe('f3999');
    expect(seen.find((x) => x.node === z.zoomNode)?.fade).toBeUndefined();
  });

  it('clamps negative values and names empty functions', () => {
    const { tree, names } = treeOf([
      [['main', ''], 5],
      [['main', 'neg'], -3],
    ]);
    const d = buildFlameData(tree, names, [0], 1000);
    walk(d.root, (x) => {
      expect(x.value).toBeGreaterThanOrEqual(0);
      expect(x.name).not.toBe('');
    });
  });
});
