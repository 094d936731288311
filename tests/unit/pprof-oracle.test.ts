// flat/cum of every profile we can find, checked against `go tool pprof`:
// the recorded Go 1.19 oracle in the shared corpus, and — when Go is installed — the
// machine's own `go tool pprof -top -nodefraction=0` for every sample type, so every
// row (not only the ones above pprof's default node fraction) is compared as text.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callTree, sampleWeights } from '../../src/analysis/callTree';
import { funcNodes } from '../../src/analysis/nodes';
import { absTotal, topFromTree } from '../../src/analysis/top';
import { percentage, scaledLabel, selectOutputUnit } from '../../src/analysis/units';
import { decodeAny } from '../../src/formats';
import type { StackProfile } from '../../src/model/profile';
import { corpusPath, hasCorpus, repoRoot, warnCorpusMissing } from '../helpers/corpus';
import { goBinary, goEnv } from '../helpers/go';

const repo = repoRoot;
const pprofDir = corpusPath('pprof');
const haveCorpus = hasCorpus('pprof', 'oracle');
if (!haveCorpus) warnCorpusMissing(pprofDir);
const go = goBinary();
if (!go) console.warn('skipped: no Go toolchain on PATH — live `go tool pprof` comparisons need it');

async function load(file: string): Promise<StackProfile> {
  return (await decodeAny(new Uint8Array(readFileSync(file)))).profile;
}

interface Row {
  flat: string;
  flatPct: string;
  cum: string;
  cumPct: string;
}

/** Our table formatted the way `go tool pprof -top` prints it, keyed by name. */
function ourRows(p: StackProfile, sampleType: number, shownFraction: number): { rows: Map<string, Row>; total: string } {
  const weights = sampleWeights(p, sampleType);
  const nodes = funcNodes(p);
  const top = topFromTree(callTree(p, weights), nodes.names.length, nodes.names, absTotal(weights));
  const unit = p.sampleTypes[sampleType].unit.toLowerCase();
  const shown: number[] = [];
  for (let i = 0; i < top.keys.length; i++) if (Math.abs(top.cum[i]) > shownFraction * top.total) shown.push(i);
  const out = selectOutputUnit(shown.map((i) => top.flat[i]), shown.map((i) => top.cum[i]), top.total, unit);
  const rows = new Map<string, Row>();
  for (const i of shown) {
    rows.set(nodes.names[top.keys[i]], {
      flat: scaledLabel(top.flat[i], unit, out),
      flatPct: percentage(top.flat[i], top.total).trim(),
      cum: scaledLabel(top.cum[i], unit, out),
      cumPct: percentage(top.cum[i], top.total).trim(),
    });
  }
  return { rows, total: scaledLabel(top.total, unit, out) };
}

function parseTop(text: string): { rows: Map<string, Row>; total: string | null } {
  const rows = new Map<string, Row>();
  let total: string | null = null;
  for (const line of text.split('\n')) {
    const t = /of (\S+) total/.exec(line);
    if (t) total = t[1];
    const m = /^\s*(\S+)\s+(\S+%)\s+\S+%\s+(\S+)\s+(\S+%)\s+(.*?)( \(inline\))?$/.exec(line);
    if (!m || m[1] === 'flat') continue;
    rows.set(m[5], { flat: m[1], flatPct: m[2], cum: m[3], cumPct: m[4] });
  }
  return { rows, total };
}

function expectSameRows(ours: Map<string, Row>, oracle: Map<string, Row>, exhaustive: boolean): void {
  expect(oracle.size).toBeGreaterThan(0);
  for (const [name, want] of oracle) expect({ name, ...ours.get(name) }).toEqual({ name, ...want });
  if (exhaustive) expect([...ours.keys()].sort()).toEqual([...oracle.keys()].sort());
}

const oracleNames = haveCorpus
  ? readdirSync(path.join(pprofDir, 'oracle'))
      .filter((f) => f.endsWith('.top.txt'))
      .map((f) => f.slice('pprof_'.length, -'.top.txt'.length))
  : [];

describe.skipIf(!haveCorpus)('recorded go tool pprof oracle (Go 1.19, default node fraction)', () => {
  for (const name of oracleNames) {
    const err = readFileSync(path.join(pprofDir, 'oracle', `pprof_${name}.raw.err`), 'utf8');
    if (err.trim()) {
      it(`${name} is rejected like pprof rejects it`, async () => {
        await expect(load(path.join(pprofDir, name))).rejects.toThrow(/./);
      });
      continue;
    }
    it(`${name}: flat/cum equal the oracle`, async () => {
      const p = await load(path.join(pprofDir, name));
      const oracle = parseTop(readFileSync(path.join(pprofDir, 'oracle', `pprof_${name}.top.txt`), 'utf8'));
      const ours = ourRows(p, p.defaultSampleType, 0.005);
      expect(ours.total).toBe(oracle.total);
      expectSameRows(ours.rows, oracle.rows, false);
    });
  }
});

function liveTop(file: string, sampleType: string): string {
  return execFileSync(go!, ['tool', 'pprof', '-top', '-nodefraction=0', '-nodecount=10000000', `-sample_index=${sampleType}`, file], {
    encoding: 'utf8',
    env: goEnv(),
    maxBuffer: 256 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const protoCorpus = haveCorpus
  ? ['internal__proftest__testdata__large.cpu', 'internal__report__testdata__sample.cpu', 'internal__driver__testdata__go.nomappings.crash', 'internal__driver__testdata__cppbench.cpu_no_samples_type'].map((n) => path.join(pprofDir, n))
  : [];
const generated = [path.join(repo, 'public/examples'), path.join(repo, 'testdata/pprof')]
  .filter((d) => existsSync(d))
  .flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.pb.gz')).map((f) => path.join(d, f)));
if (generated.length === 0) console.warn('skipped: no generated fixtures in public/examples — run tools/gen/run.sh');

describe.skipIf(!go)('live `go tool pprof -top -nodefraction=0`, every row, every sample type', () => {
  for (const file of [...protoCorpus, ...generated]) {
    it(path.basename(file), async () => {
      const p = await load(file);
      for (let st = 0; st < p.sampleTypes.length; st++) {
        const oracle = parseTop(liveTop(file, p.sampleTypes[st].type));
        const ours = ourRows(p, st, 0);
        expect({ st, total: ours.total }).toEqual({ st, total: oracle.total });
        expectSameRows(ours.rows, oracle.rows, true);
      }
    }, 120_000);
  }
});
