// The perf script dumps the scanner tests run over: the recorded fixtures (testdata/perf)
// and, where ../shared/corpus is present, the FlameGraph inputs, optionally with the
// speedscope and Firefox Profiler samples. Corpus parts that are missing are named loudly.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzip } from '../../src/formats/gzip';
import { corpusPath, hasCorpus, repoRoot, warnCorpusMissing } from './corpus';

export interface PerfDumpFile {
  /** Path relative to the folder above the repository (testdata/… or shared/corpus/…). */
  name: string;
  /** The dump's bytes (gunzipped when the file is .gz), read on each call. */
  bytes: () => Uint8Array;
}

export function perfDumpFiles(opts: { otherTools?: boolean } = {}): PerfDumpFile[] {
  const dumps: PerfDumpFile[] = [];
  const addDir = (dir: string, keep: (f: string) => boolean) => {
    for (const f of readdirSync(dir).filter(keep).sort()) {
      const file = path.join(dir, f);
      dumps.push({
        name: path.relative(path.resolve(repoRoot, '..'), file),
        bytes: () => {
          const b = new Uint8Array(readFileSync(file));
          return f.endsWith('.gz') ? gunzip(b) : b;
        },
      });
    }
  };
  addDir(path.join(repoRoot, 'testdata/perf'), (f) => f.endsWith('.perf.txt'));
  if (hasCorpus('flamegraph', 'test')) {
    addDir(corpusPath('flamegraph', 'test'), (f) => f.endsWith('.txt'));
    addDir(corpusPath('flamegraph'), (f) => f.endsWith('.txt.gz'));
  } else warnCorpusMissing(corpusPath('flamegraph', 'test'));
  if (opts.otherTools) {
    if (hasCorpus('speedscope', 'linux-perf')) addDir(corpusPath('speedscope', 'linux-perf'), () => true);
    else warnCorpusMissing(corpusPath('speedscope', 'linux-perf'));
    if (hasCorpus('firefox-profiler')) addDir(corpusPath('firefox-profiler'), (f) => f.endsWith('.gz'));
    else warnCorpusMissing(corpusPath('firefox-profiler'));
  }
  return dumps;
}
