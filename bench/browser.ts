// Browser half of `npm run bench`: the built app in Debian's Chromium, loading each
// benchmark file through the file picker. Reports time from choosing the file to the
// profile being ready (worker decode + analysis + transfer), and the flame graph's
// first render after the analysis result arrived (performance marks set by the app).
//   node --import tsx bench/browser.ts <file>...

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';

const repo = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.STACKLENS_BENCH_PORT ?? 4199);
// The built app to serve; another directory than dist/ lets the benchmark run beside
// end-to-end tests that serve dist/ (building into dist/ under them would break them).
const outDir = path.resolve(repo, process.env.STACKLENS_BENCH_DIST ?? 'dist');
const runs = Number(process.env.BENCH_BROWSER_RUNS ?? 1);
const files = process.argv.slice(2).filter((f) => existsSync(f));

function findChromium(): string | null {
  for (const c of [process.env.STACKLENS_CHROMIUM, '/usr/bin/chromium']) if (c && existsSync(c)) return c;
  const w = spawnSync('which', ['chromium'], { encoding: 'utf8' });
  return w.status === 0 ? w.stdout.trim() : null;
}

const exe = findChromium();
if (!exe) {
  console.log('browser benchmark skipped: no chromium (apt-get install chromium)');
  process.exit(0);
}
if (!existsSync(path.join(outDir, 'index.html'))) spawnSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir'], { cwd: repo, stdio: 'ignore' });
const server = spawn('npx', ['vite', 'preview', '--outDir', outDir, '--port', String(port), '--strictPort'], { cwd: repo, stdio: 'ignore', detached: true });
try {
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(base)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const browser = await chromium.launch({
    executablePath: exe,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'],
  });
  for (const file of files) for (let run = 0; run < runs; run++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(base);
    const t0 = Date.now();
    await page.getByTestId('open-file').setInputFiles(file);
    await page.locator('[data-testid=load-status][data-state=ready]').waitFor({ state: 'attached', timeout: 120_000 });
    const readyMs = Date.now() - t0;
    await page.locator('[data-testid=flamegraph][data-render-ms]').waitFor({ state: 'attached', timeout: 60_000 });
    const m = await page.evaluate(() => {
      const result = performance.getEntriesByName('stacklens:result').at(-1);
      const rendered = performance.getEntriesByName('stacklens:flame-rendered:flamegraph').at(-1);
      const el = document.querySelector('[data-testid=flamegraph]');
      return {
        firstRenderMs: result && rendered ? rendered.startTime - result.startTime : null,
        frames: el?.getAttribute('data-nodes'),
        // The header's "decoded in N ms": inflate + decode in the worker.
        decodeMs: /decoded in (\d+) ms/.exec(document.body.textContent ?? '')?.[1] ?? null,
      };
    });
    const metrics = await (await page.context().newCDPSession(page)).send('Performance.getMetrics').catch(() => null);
    await page.close();
    const heap = metrics?.metrics.find((x) => x.name === 'JSHeapUsedSize')?.value;
    console.log(
      `  ${path.basename(file)}: file chosen -> ready ${readyMs} ms (worker inflate + decode ${m.decodeMs ?? '?'} ms); analysis -> flame graph rendered ${m.firstRenderMs?.toFixed(0) ?? '?'} ms (${m.frames} frames)` +
        (heap ? `; UI-thread JS heap ${(heap / 2 ** 20).toFixed(0)} MiB` : ''),
    );
  }
  await browser.close();
} finally {
  if (server.pid) process.kill(-server.pid);
}
