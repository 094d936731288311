// A big perf script dump (>= 16 MiB) is decoded on two threads in the browser: the source
// worker starts a nested worker (src/worker/perfPart.ts) that scans the second half. The
// result on screen must be the CLI's numbers (the CLI decodes on one thread), and a
// cancelled load must end the nested worker too. The app does this only given >= 3 cores
// (formats/perf/part.ts MIN_CORES_FOR_SPLIT); the tests report 4 cores to the page
// (CDP hardware-concurrency override) so the path runs on any machine.
//
// In an exported report (share/report.ts) opened from disk, the source worker runs from a
// blob: URL as a classic worker, and so does the nested one it starts from its own URL.
//
// The dump: testdata/perf/forkexec.perf.txt (a real recording) repeated to 20 MB (60 MB
// for the cancel test, so the nested worker is still at work when cancel is clicked) — its
// records back to back, so every copy is a real record; only the count is multiplied.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { cliTop, hooks, loadState, pickFile, readTopRows, repoRoot, screenshot, waitReady } from './helpers';

function bigDump(copies = 70): string {
  const dir = path.join(repoRoot, 'test-results', 'perf-split');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `forkexec-x${copies}.perf.txt`);
  const one = readFileSync(path.join(repoRoot, 'testdata/perf/forkexec.perf.txt'));
  const sep = one[one.length - 1] === 10 && one[one.length - 2] === 10 ? Buffer.alloc(0) : Buffer.from('\n');
  writeFileSync(file, Buffer.concat(Array.from({ length: copies }, () => [one, sep]).flat()));
  return file;
}

/**
 * Every worker target the browser has, nested ones included (Playwright's page.on('worker')
 * reports only the page's own workers): Chromium's target discovery over CDP.
 */
async function watchWorkers(browser: Browser): Promise<{ seen: () => { id: string; title: string; url: string }[]; gone: Set<string>; stop: () => Promise<void> }> {
  const cdp = await browser.newBrowserCDPSession();
  const seen: { id: string; title: string; url: string }[] = [];
  const gone = new Set<string>();
  // Titles (the worker's name) and URLs arrive with targetInfoChanged, after creation.
  const note = (info: { targetId: string; type: string; title: string; url: string }) => {
    if (info.type !== 'worker') return;
    const known = seen.find((t) => t.id === info.targetId);
    if (known) Object.assign(known, { title: info.title || known.title, url: info.url || known.url });
    else seen.push({ id: info.targetId, title: info.title, url: info.url });
  };
  cdp.on('Target.targetCreated', (e) => note(e.targetInfo));
  cdp.on('Target.targetInfoChanged', (e) => note(e.targetInfo));
  cdp.on('Target.targetDestroyed', (e) => gone.add(e.targetId));
  await cdp.send('Target.setDiscoverTargets', { discover: true });
  return { seen: () => seen, gone, stop: () => cdp.detach() };
}
const isPart = (t: { title: string }) => t.title.includes('stacklens-perf-part');

/** The page (and its workers) see `cores` cores. */
async function reportCores(page: Page, cores: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: cores });
}

test('a 20 MB perf dump decodes on two threads with the CLI numbers', async ({ page, browser }) => {
  const file = bigDump();
  const watch = await watchWorkers(browser);
  await reportCores(page, 4);
  await page.goto('/');
  await pickFile(page, file);
  await waitReady(page);
  await watch.stop();
  expect(watch.seen().filter(isPart).length, `a nested worker scanned the second half (workers seen: ${JSON.stringify(watch.seen())})`).toBe(1);
  const rows = await readTopRows(page, 12);
  const cli = cliTop(file);
  expect(rows.map((r) => [r.name, r.flat, r.cum])).toEqual(cli.rows.slice(0, 12).map((r) => [r.name, r.flat, r.cum]));
  await expect(hooks.frames(page).first()).toBeAttached();
  await screenshot(page, 'perf-split-20mb');
});

test('on 2 cores the dump is decoded on one thread, the same numbers', async ({ page, browser }) => {
  const file = bigDump();
  const watch = await watchWorkers(browser);
  await reportCores(page, 2);
  await page.goto('/');
  await pickFile(page, file);
  await waitReady(page);
  await watch.stop();
  expect(watch.seen().filter(isPart)).toEqual([]);
  const rows = await readTopRows(page, 12);
  expect(rows.map((r) => [r.name, r.flat, r.cum])).toEqual(cliTop(file).rows.slice(0, 12).map((r) => [r.name, r.flat, r.cum]));
});

test('cancelling a two-thread perf decode ends the nested worker too', async ({ page, browser }) => {
  const file = bigDump(210);
  const watch = await watchWorkers(browser);
  await reportCores(page, 4);
  await page.goto('/');
  await pickFile(page, file);
  const cancel = hooks.cancel(page);
  // Cancel once the nested worker runs (the load takes seconds here; if it ends first, the
  // test says so instead of passing vacuously).
  await expect.poll(() => watch.seen().filter(isPart).length, { timeout: 30_000, intervals: [20] }).toBeGreaterThan(0);
  expect(await loadState(page), 'still loading when the nested worker started').toBe('loading');
  const nested = watch.seen().filter(isPart);
  const runningAtClick = nested.some((t) => !watch.gone.has(t.id));
  await cancel.click();
  expect(runningAtClick, 'the nested worker was still running when cancel was clicked').toBe(true);
  await expect(hooks.status(page)).toHaveAttribute('data-state', /^(error|idle)$/);
  await expect.poll(() => nested.every((t) => watch.gone.has(t.id)), { message: 'the nested worker was terminated with its parent' }).toBe(true);
  await watch.stop();
  // The page stays usable: the same dump loads afterwards.
  await pickFile(page, file);
  await waitReady(page);
});

test('inside an exported report opened from disk, the nested worker starts from the blob: worker and gives the CLI numbers', async ({ page, browser, guard }) => {
  const file = bigDump();
  await page.goto('/');
  await pickFile(page, file);
  await waitReady(page);
  await page.getByTestId('share').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
  const report = path.join(repoRoot, 'test-results', 'perf-split', 'perf-report.html');
  await download.saveAs(report);

  guard.reset();
  const watch = await watchWorkers(browser);
  await reportCores(page, 4);
  await page.goto(`file://${report}`);
  await waitReady(page);
  await watch.stop();
  const nested = watch.seen().filter(isPart);
  expect(nested.length, `a nested worker scanned the second half (workers seen: ${JSON.stringify(watch.seen())})`).toBe(1);
  expect(nested[0].url, "started from the source worker's blob: URL").toMatch(/^blob:/);
  const rows = await readTopRows(page, 12);
  expect(rows.map((r) => [r.name, r.flat, r.cum])).toEqual(cliTop(file).rows.slice(0, 12).map((r) => [r.name, r.flat, r.cum]));
  await expect(hooks.frames(page).first()).toBeAttached();
  await screenshot(page, 'perf-split-report');
});
