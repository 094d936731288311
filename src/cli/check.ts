// `stacklens check <file>… [--json] [--markdown] [--threshold id=value]…`: the tuning
// checklist over all files together, as the workbench evaluates it. Exit status 0 when no
// rule fails, 1 when one does (or a file cannot be read), 2 for usage errors — a CI gate.

import { readFileSync } from 'node:fs';
import { allThresholds, checklistCounts, checklistMarkdown, collectEvidence, evaluateChecklist, type RuleResult, type SourceEvidence } from '../analysis/checklist';
import { decodeAny } from '../formats';
import { parseMapSnapshot } from '../formats/mapsnap/parse';
import { looksLikeMapSnapshot } from '../worker/maps';

export const CHECK_USAGE = `usage: stacklens check <file>… [--json | --markdown] [--threshold <id>=<value>]…

Evaluates the four-dimension tuning checklist on all files together (pprof profiles, Go
execution traces, goroutine/crash dumps, perf script dumps, map snapshots). Exit status:
0 when no rule fails, 1 when one fails or a file cannot be read, 2 for usage errors.
`;

export class CheckUsageError extends Error {}

export interface CheckArgs {
  files: string[];
  format: 'table' | 'json' | 'markdown';
  thresholds: Record<string, number>;
}

export function parseCheckArgs(argv: string[]): CheckArgs {
  const files: string[] = [];
  const thresholds: Record<string, number> = {};
  let format: CheckArgs['format'] = 'table';
  const known = allThresholds();
  const setThreshold = (spec: string) => {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new CheckUsageError(`--threshold wants <id>=<value>, got ${JSON.stringify(spec)}`);
    const id = spec.slice(0, eq);
    const raw = spec.slice(eq + 1);
    if (!known.has(id)) throw new CheckUsageError(`unknown threshold ${JSON.stringify(id)}; known: ${[...known.keys()].sort().join(', ')}`);
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) throw new CheckUsageError(`threshold ${id} needs a number, got ${JSON.stringify(raw)}`);
    thresholds[id] = v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') format = 'json';
    else if (a === '--markdown') format = 'markdown';
    else if (a === '--threshold') {
      if (i + 1 >= argv.length) throw new CheckUsageError('--threshold needs <id>=<value>');
      setThreshold(argv[++i]);
    } else if (a.startsWith('--threshold=')) setThreshold(a.slice('--threshold='.length));
    else if (a.startsWith('--')) throw new CheckUsageError(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) throw new CheckUsageError('check needs at least one file');
  return { files, format, thresholds };
}

/** The evidence of one file, sniffed like the worker does (map snapshots first). */
export async function evidenceOfFile(file: string, name = file): Promise<SourceEvidence> {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (looksLikeMapSnapshot(bytes)) return collectEvidence({ kind: 'map-snapshot', snapshot: parseMapSnapshot(buf.toString('utf8')) }, name);
  return collectEvidence(await decodeAny(bytes), name);
}

const STATUS: Record<RuleResult['status'], string> = { pass: 'pass', warn: 'WARN', fail: 'FAIL', 'cannot-evaluate': 'n/a' };

export function checkTable(results: readonly RuleResult[], sources: readonly SourceEvidence[]): string {
  const lines: string[] = [];
  sources.forEach((s, i) => lines.push(`[${i + 1}] ${s.name}: ${s.what}`));
  lines.push('');
  const idw = Math.max(...results.map((r) => r.rule.length));
  lines.push(`${'STATUS'.padEnd(6)} ${'DIMENSION'.padEnd(13)} ${'RULE'.padEnd(idw)}  MEASURED / WHY`);
  for (const r of results) {
    const src = r.link ? ` [${r.link.source + 1}]` : '';
    const text = r.status === 'cannot-evaluate' ? r.reason : `${r.measured}${src} — ${r.reason}`;
    lines.push(`${STATUS[r.status].padEnd(6)} ${r.dimension.padEnd(13)} ${r.rule.padEnd(idw)}  ${text}`);
  }
  const c = checklistCounts(results);
  lines.push('', `${c.fail} fail, ${c.warn} warn, ${c.pass} pass, ${c['cannot-evaluate']} not evaluated`);
  return `${lines.join('\n')}\n`;
}

/** Runs the command; returns the exit status and what to print. */
export async function checkCommand(argv: string[]): Promise<{ code: number; stdout: string }> {
  const args = parseCheckArgs(argv);
  const sources: SourceEvidence[] = [];
  for (const f of args.files) sources.push(await evidenceOfFile(f));
  const results = evaluateChecklist(sources, args.thresholds);
  const failed = results.some((r) => r.status === 'fail');
  let stdout: string;
  if (args.format === 'json') {
    stdout = `${JSON.stringify({ sources: sources.map((s) => ({ name: s.name, format: s.format, what: s.what })), counts: checklistCounts(results), results })}\n`;
  } else if (args.format === 'markdown') stdout = checklistMarkdown(results, { sources });
  else stdout = checkTable(results, sources);
  return { code: failed ? 1 : 0, stdout };
}
