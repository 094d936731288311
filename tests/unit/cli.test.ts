// The stacklens CLI as a script or CI job uses it: real process, real files, exit codes.

import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, warnCorpusMissing } from '../helpers/corpus';

const repo = path.resolve(__dirname, '../..');
const bin = path.join(repo, 'bin/stacklens.mjs');
const heap = path.join(repo, 'public/examples/heap.pb.gz');
const cpu = path.join(repo, 'public/examples/cpu.pb.gz');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('stacklens CLI', () => {
  it('top --json prints exactly one object with raw values, one row per function with non-zero cum', () => {
    const r = run('top', heap, '--sample', 'alloc_space', '--json');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]);
    expect(j.sampleType).toEqual({ type: 'alloc_space', unit: 'bytes' });
    expect(j.rows.length).toBeGreaterThan(3);
    for (const row of j.rows) {
      expect(Object.keys(row).sort()).toEqual(['cum', 'flat', 'name']);
      expect(row.cum).not.toBe(0);
      expect(Number.isInteger(row.flat)).toBe(true);
    }
    const flatSum = j.rows.reduce((a: number, r: { flat: number }) => a + r.flat, 0);
    expect(flatSum).toBe(j.total);
  });

  it('top without --json prints pprof-style text, default sample type', () => {
    const r = run('top', heap);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Type: inuse_space/m);
    expect(r.out).toMatch(/flat\s+flat%\s+sum%\s+cum\s+cum%/);
  });

  it('collapse folds stacks root first and sums to the total', () => {
    const r = run('collapse', cpu, '--sample', 'samples');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    const total = JSON.parse(run('top', cpu, '--sample', 'samples', '--json').out).total;
    expect(lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBe(total);
    expect(lines.some((l) => l.startsWith('runtime.main;main.main'))).toBe(true);
  });

  it('summary --json describes the profile', () => {
    const r = run('summary', heap, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.format).toBe('pprof');
    expect(j.sampleTypes.map((t: { type: string }) => t.type)).toEqual(['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    expect(j.defaultSampleType).toBe('inuse_space');
    expect(j.samples).toBeGreaterThan(0);
    expect(j.period).toBeGreaterThan(0);
    expect(Object.keys(j.totals)).toHaveLength(4);
  });

  it('bad input: non-zero exit and exactly one line on stderr', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stacklens-cli-'));
    const junk = path.join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from('definitely not a profile\n'));
    for (const args of [['top', junk], ['summary', path.join(dir, 'missing.pb.gz')], ['top', heap, '--sample', 'nope'], ['frobnicate', heap], ['top']]) {
      const r = run(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(/^stacklens: /);
    }
  });

  const perfDir = corpusPath('flamegraph', 'test');
  if (!hasCorpus('flamegraph', 'test')) warnCorpusMissing(perfDir);
  it.skipIf(!hasCorpus('flamegraph', 'test'))('collapse on perf script output equals stackcollapse-perf.pl (results-head)', () => {
    const sorted = (t: string) => t.split('\n').filter((l) => l !== '').sort().join('\n');
    for (const [input, opt] of [['perf-java-stacks-01', 'pid'], ['perf-iperf-stacks-pidtid-01', 'tid'], ['perf-numa-stacks-01', 'kernel']]) {
      const r = run('collapse', `${perfDir}/${input}.txt`, `--${opt}`);
      expect(r.code).toBe(0);
      const want = readFileSync(corpusPath('flamegraph', 'test', 'results-head', `${input}-collapsed-${opt}.txt`), 'utf8');
      expect(sorted(r.out)).toBe(sorted(want));
    }
  });

  it.skipIf(!hasCorpus('flamegraph', 'test'))('summary --json of a perf dump counts records per event, never mixed', () => {
    const j = JSON.parse(run('summary', `${perfDir}/perf-cycles-instructions-01.txt`, '--json').out);
    expect(j).toMatchObject({ format: 'perf-script', events: { cycles: 111, instructions: 333 }, unparsedLines: 0 });
  });

  it('map: statistics of a real snapshot, and of a simulation', () => {
    const snap = run('map', path.join(repo, 'testdata/mapsnap/int-100k-mostly-deleted.json'), '--json');
    expect(snap.code).toBe(0);
    const j = JSON.parse(snap.out);
    expect(j).toMatchObject({ format: 'map-snapshot-stats', layout: 'swiss', countMatches: true });
    expect(j.memory.neverShrinks).toBe(true);
    const dir = mkdtempSync(path.join(tmpdir(), 'stacklens-map-'));
    const script = path.join(dir, 'grow.txt');
    writeFileSync(script, 'layout classic\ninsert 1..14\n');
    const sim = JSON.parse(run('map', '--simulate', script, '--json').out);
    expect(sim.format).toBe('map-simulation');
    expect(sim.note).toMatch(/stand-in hash/);
  });

  it('summary and goroutines of a Go execution trace', () => {
    const file = path.join(repo, 'testdata/gotrace/cpu.trace');
    const j = JSON.parse(run('summary', file, '--json').out);
    expect(j).toMatchObject({ format: 'go-trace', version: '1.26' });
    for (const k of ['goroutinesCreated', 'gcCycles', 'stwPauses', 'userTasks', 'userRegions', 'userLogs', 'cpuSamples', 'durationNs']) expect(typeof j[k]).toBe('number');
    const g = JSON.parse(run('goroutines', file, '--json').out);
    expect(g.find((x: { id: number }) => x.id === 1)).toMatchObject({ startFunction: 'main.main' });
    for (const row of g) for (const k of ['execNs', 'schedWaitNs', 'syscallNs']) expect(typeof row[k]).toBe('number');
  });
});
