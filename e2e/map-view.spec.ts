// Map view: a real Swiss-map snapshot opens as a heatmap of groups with the
// "maps never shrink" diagnosis; the simulator runs a script from the URL and its step
// slider changes the heatmap and the statistics.
import path from 'node:path';
import { expect, test } from './fixtures';
import { pickFile, repoRoot, screenshot, waitReady } from './helpers';

const SNAP = path.join(repoRoot, 'testdata', 'mapsnap', 'int-100k-mostly-deleted.json');

test('a map snapshot opens as a heatmap with the never-shrinks diagnosis', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, SNAP);
  await waitReady(page);
  await expect(page.locator('main')).toHaveAttribute('data-view', 'map');
  const heat = page.getByTestId('map-heatmap');
  await expect(heat).toBeVisible();
  const cells = Number(await heat.getAttribute('data-cells'));
  expect(cells).toBeGreaterThan(0);
  await expect(heat).toHaveAttribute('data-layout', 'swiss');
  const diag = page.getByTestId('map-diagnosis');
  await expect(diag).toHaveAttribute('data-never-shrinks', 'true');
  await expect(diag).toContainText('maps never shrink');
  await expect(page.getByTestId('map-remedy')).toBeVisible();
  await expect(page.getByTestId('map-stats')).toContainText('exact');
  await expect(page.getByTestId('map-stats')).toContainText('approx');
  await expect(page.getByTestId('hash-bits')).toBeVisible();
  // Hover a cell: a text tooltip with its slots.
  const box = (await heat.locator('canvas').boundingBox())!;
  await page.mouse.move(box.x + 4, box.y + 16 + 3);
  await expect(page.getByTestId('map-tooltip')).toContainText('used');
  await screenshot(page, 'map-snapshot');
});

test('the simulator runs a script from the URL; the step slider changes the heatmap', async ({ page }) => {
  const script = 'layout classic\nseed 7\ninsert 1..100\ninsert 101..2000\ndelete 1..1500';
  await page.goto(`/#view=map&sim=${encodeURIComponent(script)}`);
  const heat = page.getByTestId('map-heatmap');
  await expect(heat).toBeVisible();
  await expect(page.getByTestId('sim-step')).toHaveValue('3');
  await expect(heat).toHaveAttribute('data-layout', 'classic');
  const last = Number(await heat.getAttribute('data-cells'));
  expect(last).toBeGreaterThan(0);
  await screenshot(page, 'map-sim-last');
  await page.getByTestId('sim-step').fill('1');
  await expect(page.getByTestId('sim-line')).toHaveText('insert 1..100');
  await expect.poll(async () => Number(await heat.getAttribute('data-cells'))).toBeLessThan(last);
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('step=1');
  await screenshot(page, 'map-sim-step1');
  // A broken script reports its line instead of failing.
  await page.getByTestId('sim-script').fill('insert 1..10\nfrobnicate 3');
  await page.getByTestId('sim-run').click();
  await expect(page.getByTestId('sim-error')).toContainText('line 2');
  await expect(page.getByTestId('load-status')).not.toHaveAttribute('data-state', 'error');
  void waitReady;
});

test('the Map tab offers the documented example; a Swiss script lays tables out under the directory', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('view-map').click();
  await expect(page.locator('main')).toHaveAttribute('data-view', 'map');
  const ta = page.getByTestId('sim-script');
  await expect(ta).toHaveValue(/layout classic/);
  await page.getByTestId('sim-run').click();
  const heat = page.getByTestId('map-heatmap');
  await expect(heat).toHaveAttribute('data-layout', 'classic');
  await expect(page.getByTestId('sim-step')).toHaveValue('4');
  await ta.fill('layout swiss\nseed 3\ninsert 1..5000\ndelete 1..4000');
  await page.getByTestId('sim-run').click();
  await expect(heat).toHaveAttribute('data-layout', 'swiss');
  await expect(page.getByTestId('sim-step')).toHaveValue('2');
  await expect(page.getByTestId('map-stats')).toContainText('tombstones');
  const box = (await heat.locator('canvas').boundingBox())!;
  await page.mouse.move(box.x + 6, box.y + 16 + 4);
  await expect(page.getByTestId('map-tooltip')).toContainText('table');
  await screenshot(page, 'map-sim-swiss');
});

test('a real classic snapshot (go/mapsnap on go1.23) caught mid-grow shows new and old buckets', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, path.join(repoRoot, 'testdata', 'mapsnap', 'classic-int-53-growing.json'));
  await waitReady(page);
  const heat = page.getByTestId('map-heatmap');
  await expect(heat).toHaveAttribute('data-layout', 'classic');
  // 16 buckets and the 8 old ones being evacuated.
  await expect(heat).toHaveAttribute('data-cells', '24');
  const stats = page.getByTestId('map-stats');
  await expect(stats).toContainText('go1.23.0');
  await expect(stats.locator('tr[data-stat=evacuated]')).toBeVisible();
  await expect(stats.locator('tr[data-stat="count (len)"]')).toContainText('54');
  // The evacuation explanation highlights the evacuation counters of this real map.
  await page.getByTestId('map-fn-index').locator('[data-entry=evacuate]').click();
  await expect(page.getByTestId('map-explainer')).toHaveAttribute('data-entry', 'evacuate');
  await expect(stats.locator('tr[data-stat=evacuated]')).toHaveAttribute('data-highlight', 'true');
  await expect(page.getByTestId('explain-counters').locator('tr[data-counter=evacuation]')).toContainText('of 8 evacuated');
  await screenshot(page, 'map-classic-real-growing');
});
