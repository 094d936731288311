// Browser half of `npm run bench`: the built app in Debian's Chromium, loading each
// benchmark file through the file picker. Reports time from choosing the file to the
// source being ready (worker decode + analysis + transfer), the flame graph's first
// render after the analysis result arrived (performance marks set by the app; profiles
// and perf dumps), and the tab's peak memory: the peak RSS (VmHWM) of the tab's renderer
// process, where the page and its workers run. Each file opens in a fresh browser context,
// so in a renderer process of its own.
//   node --import tsx bench/browser.ts <file>...

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';

const repo = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.STACKLENS_BENCH_PORT ?? 4199);
// The built app to serve. STACKLENS_BENCH_DIST: a build the caller made (served as it is).
// Otherwise the app is built afresh into bench/.data/app for every run: a build left over
// from an earlier checkout would measure old code, and building into dist/ would break
// end-to-end tests serving it meanwhile.
const givenDist = process.env.STACKLENS_BENCH_DIST;
const outDir = path.resolve(repo, givenDist ?? 'bench/.data/app');
const runs = Number(process.env.BENCH_BROWSER_RUNS ?? 1);
const files = process.argv.slice(2).filter((f) => existsSync(f));

/** Peak resident set (VmHWM) of a process, in bytes; 0 where /proc cannot tell. */
function peakRssBytes(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

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
if (!givenDist) {
  const built = spawnSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir'], { cwd: repo, stdio: 'ignore' });
  if (built.status !== 0) throw new Error(`vite build into ${outDir} failed (exit ${built.status})`);
}
if (!existsSync(path.join(outDir, 'index.html'))) throw new Error(`no built app in ${outDir}`);
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
  const browserCdp = await browser.newBrowserCDPSession();
  const renderers = async (): Promise<number[]> => {
    const { processInfo } = (await browserCdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  };
  for (const file of files) for (let run = 0; run < runs; run++) {
    const before = new Set(await renderers());
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(base);
    const tab = (await renderers()).filter((pid) => !before.has(pid));
    const t0 = Date.now();
    await page.getByTestId('open-file').setInputFiles(file);
    await page.locator('[data-testid=load-status][data-state=ready]').waitFor({ state: 'attached', timeout: 600_000 });
    const readyMs = Date.now() - t0;
    // A trace opens on its timeline, everything else on a flame graph.
    const shown = await Promise.race([
      page.locator('[data-testid=flamegraph][data-render-ms]').waitFor({ state: 'attached', timeout: 120_000 }).then(() => 'flame graph'),
      page.locator('[data-testid=goroutine-timeline]').waitFor({ state: 'attached', timeout: 120_000 }).then(() => 'trace timeline'),
    ]);
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
    const peak = Math.max(0, ...tab.map(peakRssBytes));
    await context.close();
    const heap = metrics?.metrics.find((x) => x.name === 'JSHeapUsedSize')?.value;
    const size = statSync(file).size;
    console.log(
      `  ${path.basename(file)}: file chosen -> ready ${readyMs} ms (worker inflate + decode ${m.decodeMs ?? '?'} ms)` +
        (shown === 'flame graph' ? `; analysis -> flame graph rendered ${m.firstRenderMs?.toFixed(0) ?? '?'} ms (${m.frames} frames)` : `; ${shown} shown`) +
        (heap ? `; UI-thread JS heap ${(heap / 2 ** 20).toFixed(0)} MiB` : '') +
        (peak > 0 ? `; tab peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB = ${(peak / size).toFixed(1)}× the file` : '; tab peak RSS unknown (no renderer process found)'),
    );
  }
  await browser.close();
} finally {
  if (server.pid) process.kill(-server.pid);
}
