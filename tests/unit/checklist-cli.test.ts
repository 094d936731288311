// `stacklens check`, the registry, thresholds in the URL and the postmortem Markdown.

import { describe, expect, it } from 'vitest';
import { RULES, DIMENSIONS, allThresholds, checklistMarkdown, decodeThresholds, encodeThresholds, evaluateChecklist, resolveThresholds } from '../../src/analysis/checklist';
import { CheckUsageError, checkCommand, parseCheckArgs } from '../../src/cli/check';
import { main } from '../../src/cli/main';
import { LESSONS as L, abs, evidence } from './checklist-fixtures';

describe('the rule registry', () => {
  it('has unique rule and threshold ids, every dimension, and a source for every threshold', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    const ids = RULES.flatMap((r) => r.thresholds.map((t) => t.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of DIMENSIONS) expect(RULES.some((r) => r.dimension === d), d).toBe(true);
    for (const r of RULES) {
      expect(r.needs, r.id).not.toBe('');
      for (const t of r.thresholds) {
        expect(t.source.length, t.id).toBeGreaterThan(10);
        expect(t.id).toMatch(/^[a-z]+\.[A-Za-z0-9]+$/);
        expect(Number.isFinite(t.default)).toBe(true);
      }
    }
  });
  it('cites the seed for the thresholds the seeds give', () => {
    const thr = allThresholds();
    expect(thr.get('gc.stwP99Ms')).toMatchObject({ default: 10 });
    expect(thr.get('gc.stwP99Ms')!.source).toMatch(/seed 002/);
    expect(thr.get('latency.sigma')).toMatchObject({ default: 3 });
    expect(thr.get('latency.sigma')!.source).toMatch(/seed 002 §2\.1/);
    expect(thr.get('sched.waitP99Ms')!.source).toMatch(/seed 003 §3\.2/);
    expect(thr.get('lock.waitMs')!.source).toMatch(/seed 003 §3\.2/);
    expect(thr.get('gc.goalRatioFail')!.source).toMatch(/seed 001 §2\.2/);
    expect(thr.get('heap.growthMBps')!.source).toMatch(/seed 002 §4\.2/);
    expect(thr.get('goroutines.growth')!.source).toMatch(/seed 002 §3\.2/);
    expect(thr.get('upgrade.maxSelfExecs')!.source).toMatch(/seed 000/);
  });
  it('says which evidence is missing when nothing is loaded', () => {
    const rs = evaluateChecklist([]);
    expect(rs).toHaveLength(RULES.length);
    for (const r of rs) {
      expect(r.status).toBe('cannot-evaluate');
      expect(r.reason).toMatch(/^needs /);
      expect(r.link).toBeNull();
    }
  });
});

describe('thresholds in the URL', () => {
  it('round-trips overrides and drops defaults, unknown ids and junk', () => {
    const text = encodeThresholds({ 'gc.stwP99Ms': 5, 'latency.windowMs': 100, 'mmu.windowMs': 50, nope: 3 });
    expect(text).toBe('gc.stwP99Ms:5;latency.windowMs:100');
    expect(decodeThresholds(text)).toEqual({ 'gc.stwP99Ms': 5, 'latency.windowMs': 100 });
    expect(decodeThresholds('gc.stwP99Ms:abc;x:1;lock.waitMs:2.5;;:;heap.growthMBps:1e-1')).toEqual({ 'lock.waitMs': 2.5, 'heap.growthMBps': 0.1 });
    expect(encodeThresholds({})).toBe('');
    expect(resolveThresholds({ 'gc.stwP99Ms': 5 })['gc.stwP99Ms']).toBe(5);
    expect(resolveThresholds({ 'gc.stwP99Ms': Number.NaN })['gc.stwP99Ms']).toBe(10);
  });
});

describe('stacklens check', () => {
  it('exits 1 when a rule fails and 0 when none does', async () => {
    const bad = await checkCommand([abs(L.stw)]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL\s+call-chain\s+gc-stw-p99/m);
    expect(bad.stdout).toMatch(/\d+ fail, \d+ warn, \d+ pass, \d+ not evaluated/);
    const good = await checkCommand([abs(L.healthy)]);
    expect(good.code).toBe(0);
    expect(good.stdout).not.toMatch(/^FAIL/m);
  });
  it('evaluates all files together: one workspace, several kinds of evidence', async () => {
    const r = await checkCommand([abs(L.healthy), abs('testdata/godump/concurrent-map-writes.txt'), abs('testdata/mapsnap/int-100k-mostly-deleted.json'), '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { sources: { what: string }[]; counts: Record<string, number>; results: { rule: string; status: string; link: { source: number } | null }[] };
    expect(j.sources.map((s) => s.what)).toEqual(['a Go execution trace', 'a Go crash dump', 'a Go map snapshot']);
    const by = Object.fromEntries(j.results.map((x) => [x.rule, x]));
    expect(by['concurrent-map-access']).toMatchObject({ status: 'fail', link: { source: 1 } });
    expect(by['map-memory']).toMatchObject({ status: 'fail', link: { source: 2 } });
    expect(by['gc-stw-p99']).toMatchObject({ status: 'pass', link: { source: 0 } });
    expect(j.counts.fail).toBe(2);
  });
  it('--threshold changes the verdict, and bad thresholds are usage errors', async () => {
    const p99 = Math.ceil((await evidence(L.stw)).trace!.stw.gc.p99Ns! / 1e6) + 1;
    const r = await checkCommand([abs(L.stw), '--json', `--threshold=gc.stwP99Ms=${p99}`, '--threshold', `gc.stwMaxMs=${p99}`]);
    const j = JSON.parse(r.stdout) as { results: { rule: string; status: string; thresholds: { id: string; value: number; isDefault: boolean }[] }[] };
    const stw = j.results.find((x) => x.rule === 'gc-stw-p99')!;
    expect(stw.status).toBe('pass');
    expect(stw.thresholds.find((t) => t.id === 'gc.stwP99Ms')).toMatchObject({ value: p99, isDefault: false });
    expect(() => parseCheckArgs(['x', '--threshold', 'gc.nope=1'])).toThrow(CheckUsageError);
    expect(() => parseCheckArgs(['x', '--threshold', 'gc.stwP99Ms=fast'])).toThrow(/needs a number/);
    expect(() => parseCheckArgs(['--json'])).toThrow(/at least one file/);
  });
  it('through main: usage errors exit 2, unreadable files 1', async () => {
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['check', '--threshold', 'nope=1', 'x'])).toBe(2);
      expect(await main(['check', abs('testdata/does-not-exist.trace')])).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toMatch(/unknown threshold "nope"/);
    expect(err.join('')).toMatch(/cannot read .*does-not-exist\.trace: ENOENT/);
  });
});

describe('checklist Markdown for the postmortem', () => {
  it('has one table per dimension, the sources, the threshold sources, and escapes untrusted text', async () => {
    const ev = [await evidence(L.stw), await evidence('testdata/godump/concurrent-map-writes.txt')];
    ev[0] = { ...ev[0], name: 'evil|<script>alert(1)</script>.trace' };
    const md = checklistMarkdown(evaluateChecklist(ev), { sources: ev });
    for (const h of ['### Resource', '### Call chain', '### Configuration', '### Capacity']) expect(md).toContain(h);
    expect(md).toMatch(/^\| FAIL \| GC stop-the-world pauses: P99 ≤ 10 ms \|/m);
    expect(md).not.toContain('<script>');
    expect(md).toContain('evil\\|&lt;script&gt;');
    expect(md).toMatch(/- gc\.stwP99Ms: seed 002/);
  });
});
