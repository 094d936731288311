// Live capture: build and run go/mapsnap's snapdemo with the local toolchain, then feed
// its output through the TypeScript parser and statistics (the same path as the
// checked-in testdata/mapsnap files, but with fresh seeds).
import { expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeGo, runGo } from '../helpers/go';
import { parseMapSnapshot } from '../../src/formats/mapsnap/parse';
import { mapStats } from '../../src/analysis/maps/stats';

const modDir = path.join(__dirname, '../../go/mapsnap');

describeGo('go/mapsnap live capture', () => {
  it('snapdemo snapshots parse and add up', (ctx) => {
    const ver = runGo(['env', 'GOVERSION']).trim();
    const minor = Number(/^go1\.(\d+)/.exec(ver)?.[1] ?? 0);
    if (minor < 26) ctx.skip(`go/mapsnap needs go1.26 (have ${ver})`);
    const out = mkdtempSync(path.join(os.tmpdir(), 'mapsnap-'));
    try {
      runGo(['run', './cmd/snapdemo', '-out', out], { cwd: modDir, timeoutMs: 110_000 });
      const files = readdirSync(out).sort();
      expect(files).toHaveLength(5);
      for (const f of files) {
        const snap = parseMapSnapshot(readFileSync(path.join(out, f), 'utf8'));
        expect(snap.capture.goVersion).toBe(ver);
        const st = mapStats(snap);
        expect(st.countMatches).toBe(true);
        expect(st.memory.neverShrinks).toBe(f === 'int-100k-mostly-deleted.json');
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
