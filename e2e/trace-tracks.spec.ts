// Trace timeline tracks and scale, on real traces from tools/gen/tracescenarios:
//   - user tasks (nested lanes), regions on goroutine rows and logs (user.trace), GOMAXPROCS
//     changes on the processor timeline, hover texts with span state, stack and regions;
//   - selecting a function in the flame graph's table highlights the goroutines whose CPU
//     samples or event stacks contain it (timeline rows, table rows, counts) and lives in
//     the URL;
//   - GC mark assists on goroutine rows (gc.trace);
//   - a trace cut in the middle shows what was complete and a warning with the offset;
//   - 12k goroutines (short.trace): all rows counted, the table windowed but complete;
//   - frame times while panning / zooming a trace with millions of state changes,
//     generated at test time (reported, not asserted).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { decodedHash, pickFile, repoRoot, screenshot, waitReady } from './helpers';

const DATA = path.join(repoRoot, 'testdata', 'gotrace');
const USER = path.join(DATA, 'user.trace');
const GC = path.join(DATA, 'gc.trace');
const SHORT = path.join(DATA, 'short.trace');

async function open(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto('/');
  await pickFile(page, file);
  await waitReady(page, 180_000);
  await expect(page.locator('main')).toHaveAttribute('data-view', 'timeline');
}

/** The tooltip's text right now ('' when none is shown). */
async function tipNow(page: Page): Promise<string> {
  return page.evaluate(async () => {
    await new Promise<void>((r) => requestAnimationFrame(() => r()));
    return document.querySelector('[data-testid=trace-tooltip]')?.textContent ?? '';
  });
}

/** Moves over canvas `testid` at (fx of the time area, y px) and returns the tooltip text. */
async function hoverText(page: Page, testid: string, fx: number, y: number): Promise<string> {
  const box = (await page.getByTestId(testid).locator('canvas').boundingBox())!;
  await page.mouse.move(box.x + 190 + (box.width - 190) * fx, box.y + y);
  const tip = page.getByTestId('trace-tooltip');
  await expect(tip).toBeVisible();
  return (await tip.textContent()) ?? '';
}

test('user tasks, regions and logs; GOMAXPROCS changes; span hover with stack', async ({ page }) => {
  await open(page, USER);
  const summary = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/stacklens.mjs'), 'summary', USER, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
  const ut = page.getByTestId('user-timeline');
  await expect(ut).toBeVisible();
  expect(Number(await ut.getAttribute('data-tasks'))).toBe(summary.userTasks);
  expect(Number(await ut.getAttribute('data-logs'))).toBe(summary.userLogs);
  expect(Number(await page.getByTestId('goroutine-timeline').getAttribute('data-regions'))).toBe(summary.userRegions);
  // The scenario sets GOMAXPROCS 2 -> 4 -> 1 -> 2 while tracing.
  expect(Number(await page.getByTestId('proc-timeline').getAttribute('data-gomaxprocs-changes'))).toBeGreaterThanOrEqual(3);

  // The outermost task ("batch") spans almost the whole trace in lane 0.
  expect(await hoverText(page, 'user-timeline', 0.5, 2 + 6)).toMatch(/task batch \(id \d+\)/);
  // Logs: find a marker by sweeping the log lane.
  const ubox = (await ut.locator('canvas').boundingBox())!;
  let logTip = '';
  for (let fx = 0.01; fx < 1 && !logTip.includes('log ['); fx += 0.005) {
    await page.mouse.move(ubox.x + 190 + (ubox.width - 190) * fx, ubox.y + ubox.height - 8);
    logTip = await tipNow(page);
  }
  expect(logTip).toMatch(/log \[(request|audit|batch)\] /);
  await screenshot(page, 'trace-tracks-user');

  // A handleRequest goroutine row: regions in the hover text, and a span with its stack.
  const gt = page.getByTestId('goroutine-timeline');
  const gbox = (await gt.locator('canvas').boundingBox())!;
  let regionTip = '';
  for (let r = 1; r < 40 && !regionTip.includes('regions:'); r++) {
    for (const fx of [0.2, 0.4, 0.6, 0.8]) {
      await page.mouse.move(gbox.x + 190 + (gbox.width - 190) * fx, gbox.y + r * 16 + 8);
      const t = await tipNow(page);
      if (t.includes('regions:') && t.includes('main.handleRequest')) {
        regionTip = t;
        break;
      }
    }
  }
  expect(regionTip).toMatch(/regions: (fetch|render|layout)/);
  expect(regionTip).toMatch(/running|runnable|waiting|syscall/);
  // Some span of the row shows the stack of the event that began it.
  let stackTip = '';
  for (let r = 1; r < 40 && !stackTip; r++) {
    for (let fx = 0.05; fx < 1; fx += 0.05) {
      await page.mouse.move(gbox.x + 190 + (gbox.width - 190) * fx, gbox.y + r * 16 + 8);
      const t = await tipNow(page);
      if (/blocked at:\n\s+\S+/.test(t)) {
        stackTip = t;
        break;
      }
    }
  }
  expect(stackTip).toMatch(/waiting \(.+\)/);
  expect(stackTip).toMatch(/blocked at:\n {2}[\w.()*/]+ {2}\S+\.go:\d+/);
  await screenshot(page, 'trace-tracks-hover');
});

test('selecting a function highlights the goroutines that run it, in the URL', async ({ page }) => {
  await open(page, USER);
  // The flame view's top table lists main.renderPage (CPU samples of the request goroutines).
  const row = page.getByTestId('top-table').locator('tr[data-name="main.renderPage"]');
  await expect(row).toBeAttached();
  await row.click();
  const chip = page.getByTestId('fn-highlight');
  await expect(chip).toBeVisible();
  await expect.poll(async () => Number(await chip.getAttribute('data-count'))).toBeGreaterThan(0);
  const count = Number(await chip.getAttribute('data-count'));
  expect(await decodedHash(page)).toContain('fn=main.renderPage');
  // The table marks the same goroutines: sorted by its fn column they come first.
  expect(Number(await page.getByTestId('table-fn-matches').getAttribute('data-count'))).toBe(count);
  await page.getByTestId('goroutine-table').getByRole('button', { name: 'fn', exact: true }).click();
  const flags = await page
    .getByTestId('goroutine-table')
    .locator('tr[data-goid]')
    .evaluateAll((trs) => trs.map((tr) => tr.hasAttribute('data-fn-match')));
  expect(flags.length).toBeGreaterThan(count);
  expect(flags.slice(0, count).every(Boolean)).toBe(true);
  expect(flags.slice(count).some(Boolean)).toBe(false);
  const marked = page.getByTestId('goroutine-table').locator('tr[data-fn-match]');
  // All of them run main.handleRequest (the only caller of renderPage).
  const names = await marked.evaluateAll((trs) => trs.map((tr) => tr.querySelector('.name-cell')?.textContent ?? ''));
  for (const n of names) expect(n).toBe('main.handleRequest');
  // A highlighted timeline row says why in its label tooltip.
  await page.getByTestId('goroutine-timeline').scrollIntoViewIfNeeded();
  const gbox = (await page.getByTestId('goroutine-timeline').locator('canvas').boundingBox())!;
  let tip = '';
  for (let r = 0; r < 40 && !tip.includes('contains main.renderPage'); r++) {
    await page.mouse.move(gbox.x + 40, gbox.y + r * 16 + 8);
    tip = await tipNow(page);
  }
  expect(tip, tip).toMatch(/contains main\.renderPage \((CPU samples|event stacks)/);
  await screenshot(page, 'trace-tracks-fn-highlight');
  // Reload: the highlight comes back from the URL.
  await page.reload();
  await pickFile(page, USER);
  await waitReady(page);
  await expect.poll(async () => Number(await page.getByTestId('fn-highlight').getAttribute('data-count'))).toBe(count);
});

test('GC mark assists are drawn on the goroutine rows', async ({ page }) => {
  await open(page, GC);
  const gt = page.getByTestId('goroutine-timeline');
  expect(Number(await gt.getAttribute('data-assists'))).toBeGreaterThan(10);
  const gbox = (await gt.locator('canvas').boundingBox())!;
  let tip = '';
  for (let r = 1; r < 20 && !tip.includes('GC mark assist'); r++) {
    for (let fx = 0.02; fx < 1 && !tip.includes('GC mark assist'); fx += 0.02) {
      await page.mouse.move(gbox.x + 190 + (gbox.width - 190) * fx, gbox.y + r * 16 + 3);
      tip = await tipNow(page);
    }
  }
  expect(tip).toMatch(/GC mark assist [\d.]+ (ns|µs|ms) from/);
  await screenshot(page, 'trace-tracks-assists');
});

test('a truncated trace shows the partial timeline and the warning', async ({ page }) => {
  // user.trace has many generations (recorded with 20 ms ones): cut in the middle of one.
  const bytes = readFileSync(USER);
  await open(page, { name: 'cut.trace', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, Math.floor(bytes.length * 0.6)) });
  await expect(page.getByTestId('warnings')).toContainText(/cut short or damaged.*offset \d+/);
  expect(Number(await page.getByTestId('goroutine-timeline').getAttribute('data-rows'))).toBeGreaterThan(0);
  expect(Number(await page.getByTestId('proc-timeline').getAttribute('data-rows'))).toBeGreaterThan(0);
  expect(await page.getByTestId('goroutine-table').locator('tr[data-goid]').count()).toBeGreaterThan(0);
  // Fewer tasks than the whole trace has, but some.
  const whole = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/stacklens.mjs'), 'summary', USER, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
  const tasks = Number(await page.getByTestId('user-timeline').getAttribute('data-tasks'));
  expect(tasks).toBeGreaterThan(0);
  expect(tasks).toBeLessThanOrEqual(whole.userTasks);
  await screenshot(page, 'trace-tracks-truncated');
});

test('12k goroutines: every row counted, the table windowed but complete', async ({ page }) => {
  await open(page, SHORT);
  const gt = page.getByTestId('goroutine-timeline');
  const n = Number(await gt.getAttribute('data-rows'));
  expect(n).toBeGreaterThanOrEqual(12000);
  const table = page.getByTestId('goroutine-table');
  const count = Number(await table.getAttribute('data-count'));
  expect(count).toBeGreaterThanOrEqual(12000);
  // Only a window of rows is in the DOM.
  const inDom = await table.locator('tr[data-goid]').count();
  expect(inDom).toBeLessThan(200);
  // Scrolled to the end, the last rows are there (sorted by id: the highest id last).
  await table.getByRole('button', { name: 'G', exact: true }).click();
  const scroller = page.locator('.goroutine-table-scroll');
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  const cli = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/stacklens.mjs'), 'goroutines', SHORT, '--json'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 }));
  const maxId = String(cli[cli.length - 1].id);
  await expect(table.locator(`tr[data-goid="${maxId}"]`)).toBeAttached();
  // The goroutine rows scroll too; the last row is drawn (its label hover works).
  await gt.evaluate((el) => (el.scrollTop = el.scrollHeight));
  const gbox = (await gt.locator('canvas').boundingBox())!;
  await page.mouse.move(gbox.x + 40, gbox.y + gbox.height - 8);
  await expect(page.getByTestId('trace-tooltip')).toContainText(/^G\d+ /);
  await screenshot(page, 'trace-tracks-12k');
});

/**
 * Per key press on the timeline, measured inside the page: the time from the key press to
 * the second animation frame after it (the state update, React's render, the canvas
 * redraws and the paint). Two frames (33.3 ms at 60 Hz) = nothing dropped.
 */
async function frameTimes(page: Page, keys: string[]): Promise<number[]> {
  return page.evaluate(async (ks) => {
    const wrap = document.querySelector('.trace-timelines') as HTMLElement;
    wrap.focus();
    const out: number[] = [];
    const raf = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
    for (const k of ks) {
      await raf();
      const t0 = performance.now();
      wrap.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
      await raf();
      await raf();
      out.push(performance.now() - t0);
    }
    return out;
  }, keys);
}

test('pan and zoom frame times on a trace with millions of state changes (reported)', async ({ page }, info) => {
  test.setTimeout(600_000);
  const dir = path.join(repoRoot, 'bench', '.data');
  const big = path.join(dir, 'e2e-timeline.trace');
  if (!existsSync(big)) {
    mkdirSync(dir, { recursive: true });
    const go = ['go', '/usr/local/go/bin/go'].find((g) => spawnSync(g, ['version']).status === 0);
    test.skip(!go, 'SKIPPED LOUDLY: Go is needed to generate the big trace (tools/gen/tracescenarios)');
    execFileSync(go!, ['run', './tracescenarios', '-scenario', 'big', '-size', String(24 << 20), '-out', big], { cwd: path.join(repoRoot, 'tools', 'gen'), stdio: 'inherit', env: { ...process.env, GOTOOLCHAIN: 'local' } });
  }
  const t0 = Date.now();
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto('/');
  await pickFile(page, big);
  await waitReady(page, 540_000);
  const loadS = (Date.now() - t0) / 1000;
  const gt = page.getByTestId('goroutine-timeline');
  const rows = Number(await gt.getAttribute('data-rows'));
  expect(rows).toBeGreaterThan(10000);
  const keys = [...'wwwwwwdddddaaaaassssss0'];
  const frames = await frameTimes(page, keys);
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))].toFixed(1);
  const spans = await gt.getAttribute('data-spans');
  const visible = await page.getByTestId('trace-visible').textContent();
  const msg = `timeline on a ${(statSync(big).size / 1e6).toFixed(1)} MB trace (${rows} goroutines, ${spans} spans), ${keys.length} zoom/pan key steps: key press to the 2nd frame after median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms (33.3 ms = no dropped frame at 60 Hz); load ${loadS.toFixed(1)} s; last view ${visible}`;
  console.log(msg);
  info.annotations.push({ type: 'frame-times', description: msg });
  // The steps stayed on the timeline (W/A/S/D/0 are not the view shortcuts here).
  await expect(page.locator('main')).toHaveAttribute('data-view', 'timeline');
  await screenshot(page, 'trace-tracks-big');
});
