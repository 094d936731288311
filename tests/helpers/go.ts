// Access to the Go toolchain for oracle tests (`go tool pprof`), skipping loudly when
// Go is not installed. Go is looked up on PATH, then at /usr/local/go/bin/go.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';

let cachedGo: string | null | undefined;

/** Absolute path (or bare name) of a working `go` binary, or null. */
export function goBinary(): string | null {
  if (cachedGo !== undefined) return cachedGo;
  const candidates = ['go', '/usr/local/go/bin/go'];
  cachedGo = null;
  for (const c of candidates) {
    if (c.includes('/') && !existsSync(c)) continue;
    const r = spawnSync(c, ['version'], { encoding: 'utf8', env: goEnv(), timeout: 30_000 });
    if (r.status === 0) {
      cachedGo = c;
      break;
    }
  }
  return cachedGo;
}

export function hasGo(): boolean {
  return goBinary() !== null;
}

/**
 * The environment for go commands: HOME/GOCACHE/GOPATH default to a temp dir when unset
 * (CI may run without HOME), and GOTOOLCHAIN=local so go never downloads a toolchain.
 */
export function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', ...extra };
  const base = path.join(os.tmpdir(), 'stacklens-go');
  if (!env.HOME) env.HOME = base;
  if (!env.GOCACHE) {
    env.GOCACHE = path.join(env.HOME, '.cache', 'go-build');
  }
  if (!env.GOPATH) env.GOPATH = path.join(env.HOME, 'go');
  for (const d of [env.GOCACHE, env.GOPATH]) {
    try {
      mkdirSync(d, { recursive: true });
    } catch {
      // the go command reports a clear error itself
    }
  }
  // No pprof UI, no browser, no symbolization server.
  env.PPROF_TMPDIR ??= path.join(base, 'pprof');
  env.BROWSER = 'none';
  return env;
}

const warned = new Set<string>();
function warnNoGo(what: string): void {
  if (warned.has(what)) return;
  warned.add(what);
  console.warn(`skipped: ${what} — Go toolchain not found (looked for \`go\` on PATH and /usr/local/go/bin/go)`);
}

/** describe() that is skipped, with a loud warning, when Go is not installed. */
export function describeGo(name: string, fn: () => void): void {
  if (hasGo()) {
    describe(name, fn);
    return;
  }
  warnNoGo(name);
  describe.skip(name, () => {
    it('needs the Go toolchain', () => {});
  });
}

/** Runs `go <args>` and returns stdout; throws with stderr on failure. */
export function runGo(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
  const go = goBinary();
  if (go === null) throw new Error('Go toolchain not found (use hasGo()/describeGo() to skip)');
  try {
    return execFileSync(go, args, {
      cwd: opts.cwd,
      env: goEnv(opts.env),
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
      timeout: opts.timeoutMs ?? 110_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`go ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

export interface PprofTopOptions {
  /** Pass -symbolize=none (default true: the oracle must not depend on local binaries). */
  symbolizeNone?: boolean;
  /** Extra flags placed before the file name. */
  extraFlags?: string[];
}

/**
 * stdout of `go tool pprof -top -nodefraction=0 -nodecount=1000000 [-sample_index=NAME] FILE`
 * (plus -symbolize=none unless disabled).
 */
export function goToolPprofTop(file: string, sampleIndexName?: string, opts: PprofTopOptions = {}): string {
  const args = ['tool', 'pprof', '-top', '-nodefraction=0', '-nodecount=1000000'];
  if (opts.symbolizeNone ?? true) args.push('-symbolize=none');
  if (sampleIndexName !== undefined) args.push(`-sample_index=${sampleIndexName}`);
  if (opts.extraFlags) args.push(...opts.extraFlags);
  args.push(file);
  return runGo(args);
}

export interface PprofTopRow {
  /** Raw columns as printed, e.g. "10ms", "12.50%". */
  flat: string;
  flatPct: string;
  sumPct: string;
  cum: string;
  cumPct: string;
  /** Everything after the fifth column (names may contain spaces). */
  name: string;
}

export interface PprofTop {
  /** Header lines before the column titles (File:, Type:, Showing nodes ...). */
  header: string[];
  rows: PprofTopRow[];
}

/** Splits `go tool pprof -top` output into header lines and rows; values stay as printed. */
export function parsePprofTop(stdout: string): PprofTop {
  const lines = stdout.split('\n');
  const header: string[] = [];
  const rows: PprofTopRow[] = [];
  let inRows = false;
  for (const line of lines) {
    if (!inRows) {
      if (/^\s*flat\s+flat%\s+sum%\s+cum\s+cum%/.test(line)) inRows = true;
      else if (line.trim() !== '') header.push(line);
      continue;
    }
    if (line.trim() === '') continue;
    const m = /^\s*(\S+)\s+(\S+%)\s+(\S+%)\s+(\S+)\s+(\S+%)\s(.*)$/.exec(line);
    if (!m) throw new Error(`unparsable pprof -top row: ${JSON.stringify(line)}`);
    rows.push({ flat: m[1], flatPct: m[2], sumPct: m[3], cum: m[4], cumPct: m[5], name: m[6].replace(/^ /, '') });
  }
  return { header, rows };
}
