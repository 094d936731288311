// Where the shared test corpora live, and how tests skip (loudly) when they are absent.
//
// The corpora are read-only reference inputs kept beside the repository at
// ../shared/corpus (see ../shared/corpus/README.md). STACKLENS_CORPUS overrides the
// location. Tests must never write under the corpus directory.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/** Absolute path of the repository root (this file is tests/helpers/corpus.ts). */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The corpus root: $STACKLENS_CORPUS, else <repo>/../shared/corpus. */
export function corpusDir(): string {
  const env = process.env.STACKLENS_CORPUS;
  return env !== undefined && env !== '' ? path.resolve(env) : path.resolve(repoRoot, '..', 'shared', 'corpus');
}

/** Absolute path of a corpus entry, e.g. corpusPath('pprof', 'cppbench.cpu'). Does not check existence. */
export function corpusPath(...parts: string[]): string {
  return path.join(corpusDir(), ...parts);
}

/** True when the corpus (or the given sub-path of it) exists. */
export function hasCorpus(...parts: string[]): boolean {
  return existsSync(corpusPath(...parts));
}

function shown(p: string): string {
  const rel = path.relative(repoRoot, p);
  return rel !== '' && !path.isAbsolute(rel) ? rel : p;
}

const warned = new Set<string>();

/** Prints the standard loud skip notice (once per path per test file). */
export function warnCorpusMissing(p: string): void {
  if (warned.has(p)) return;
  warned.add(p);
  console.warn(`skipped: corpus not found at ${shown(p)} — see shared/corpus/README.md`);
}

/**
 * describe() a suite that needs corpus/<subdir>. When that folder is absent the suite is
 * reported as skipped (one placeholder test, so the skip shows up in the counts) and a
 * warning names the missing path; `fn` is not even called, so it may read corpus files
 * at collection time.
 */
export function describeCorpus(subdir: string, name: string, fn: () => void): void {
  const dir = corpusPath(subdir);
  if (existsSync(dir)) {
    describe(name, fn);
    return;
  }
  warnCorpusMissing(dir);
  describe.skip(name, () => {
    it(`needs ${shown(dir)}`, () => {});
  });
}
