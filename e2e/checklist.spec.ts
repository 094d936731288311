// The checklist reads every source in the workspace: rows carry data-rule/-dimension/
// -status, thresholds travel in the URL, and each link opens the view where the evidence is.
import path from 'node:path';
import { expect, test } from './fixtures';
import { exampleFile, hooks, repoRoot, screenshot, waitReady } from './helpers';

const DUMP = path.join(repoRoot, 'testdata/godump/concurrent-map-writes.txt');
const TRACE = path.join(repoRoot, 'testdata/gotrace/gc.trace');
const SNAPSHOT = path.join(repoRoot, 'testdata/mapsnap/int-100k-mostly-deleted.json');
const PERF = path.join(repoRoot, 'testdata/perf/forkexec.perf.txt');

const rows = (page: import('@playwright/test').Page) => page.getByTestId('sources').locator('li[data-format]');
const checks = (page: import('@playwright/test').Page) => page.getByTestId('checklist').locator('[data-rule]');

test('checklist over several sources; links open each kind of view', async ({ page }) => {
  await page.goto('/');
  await hooks.openFile(page).setInputFiles([exampleFile('cpu'), exampleFile('heap'), DUMP, TRACE, SNAPSHOT, PERF]);
  await expect(rows(page)).toHaveCount(6, { timeout: 90_000 });
  await waitReady(page);
  await page.keyboard.press('c');
  await expect(page.getByTestId('checklist')).toBeVisible();
  // Evidence is collected on demand by each source's worker.
  await expect(page.getByTestId('checklist')).toHaveAttribute('data-pending', '0');
  const all = await checks(page).evaluateAll((els) => els.map((e) => ({ rule: e.getAttribute('data-rule'), dim: e.getAttribute('data-dimension'), status: e.getAttribute('data-status') })));
  expect(all.length).toBeGreaterThanOrEqual(12);
  expect(new Set(all.map((r) => r.dim))).toEqual(new Set(['resource', 'call-chain', 'configuration', 'capacity']));
  for (const r of all) expect(['pass', 'warn', 'fail', 'cannot-evaluate']).toContain(r.status);
  // The crash dump's concurrent map writes fail the map rule.
  const mapRule = all.find((r) => /map/i.test(r.rule ?? '') && r.status === 'fail');
  expect(mapRule, JSON.stringify(all)).toBeTruthy();
  await screenshot(page, 'checklist-six-sources');
});

test('each checklist link opens its view focused on the evidence; thresholds live in the URL', async ({ page }) => {
  await page.goto('/');
  await hooks.openFile(page).setInputFiles([exampleFile('cpu'), DUMP, TRACE, SNAPSHOT, PERF]);
  await expect(rows(page)).toHaveCount(5, { timeout: 90_000 });
  await waitReady(page);
  await page.keyboard.press('c');
  const follow = async (rule: string) => {
    await page.getByRole('tab', { name: 'Checklist' }).click();
    const row = page.getByTestId('checklist').locator(`[data-rule="${rule}"]`);
    await expect(row).toBeVisible();
    await row.getByTestId('checklist-link').click();
  };
  const view = () => page.locator('main').getAttribute('data-view');

  await follow('concurrent-map-access');
  await expect(page.getByTestId('crash-banner')).toBeVisible();
  expect(await view()).toBe('goroutines');

  await follow('gc-stw-p99');
  await expect(page.getByTestId('goroutine-timeline')).toBeVisible();
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/src=2&view=timeline.*&t=\d+-\d+/);

  await follow('map-memory');
  await expect(page.getByTestId('map-heatmap')).toBeVisible();
  expect(await view()).toBe('map');

  await follow('cpu-gc-malloc-share');
  await expect(hooks.frames(page).first()).toBeAttached();
  expect(['flame', 'top']).toContain(await view());

  await follow('hot-upgrade-exec');
  await expect(page.getByTestId('exec-events').first()).toBeVisible();

  // Back walks the history in reverse: the checklist tab, then the CPU view it linked to.
  await page.goBack();
  await expect(page.getByTestId('checklist')).toBeVisible();
  await page.goBack();
  await expect(hooks.frames(page).first()).toBeAttached();
  expect(await page.evaluate(() => location.hash)).toMatch(/^#view=(flame|top)/);

  // A threshold edit is in the URL and changes the verdict.
  await page.getByRole('tab', { name: 'Checklist' }).click();
  const stw = page.getByTestId('checklist').locator('[data-rule="gc-stw-p99"]');
  await expect(stw).toHaveAttribute('data-status', 'pass');
  const input = stw.locator('input[data-threshold="gc.stwP99Ms"]');
  await input.fill('0.01');
  await input.press('Enter');
  await expect(stw).toHaveAttribute('data-status', 'fail');
  await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toContain('thr=gc.stwP99Ms:0.01');
  await screenshot(page, 'checklist-threshold');
});
