// A workspace holds several sources: they are listed in the sidebar, each keeps its own
// view settings, the active one lives in the URL (`src=`), and a link listing several
// examples reloads the whole workspace at the same view.
import path from 'node:path';
import { expect, test } from './fixtures';
import { exampleFile, hooks, repoRoot, screenshot, waitReady } from './helpers';

const DUMP = path.join(repoRoot, 'testdata/godump/concurrent-map-writes.txt');
const TRACE = path.join(repoRoot, 'testdata/gotrace/cpu.trace');
const SNAPSHOT = path.join(repoRoot, 'testdata/mapsnap/string-100.json');

const rows = (page: import('@playwright/test').Page) => page.getByTestId('sources').locator('li[data-format]');

test('several files open into one workspace; each keeps its own view', async ({ page }) => {
  await page.goto('/');
  await hooks.openFile(page).setInputFiles([exampleFile('cpu'), exampleFile('heap'), DUMP, TRACE, SNAPSHOT]);
  await expect(rows(page)).toHaveCount(5, { timeout: 60_000 });
  await waitReady(page);
  expect(await rows(page).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-format')))).toEqual(['pprof', 'pprof', 'go-dump', 'go-trace', 'map-snapshot']);
  // The last one loaded is shown.
  await expect(page.getByTestId('map-heatmap')).toBeVisible();
  expect(await page.evaluate(() => location.hash)).toContain('src=4');

  // Show the heap profile, pick a sample type; show the CPU profile, zoom; come back.
  await rows(page).nth(1).locator('.source-open').click();
  await waitReady(page);
  await expect(hooks.sampleType(page)).toBeVisible();
  await hooks.sampleType(page).selectOption('alloc_space');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('st=alloc_space');
  expect(await page.evaluate(() => location.hash)).toContain('src=1');
  await rows(page).nth(2).locator('.source-open').click();
  await expect(page.getByTestId('crash-banner')).toBeVisible();
  await rows(page).nth(1).locator('.source-open').click();
  await waitReady(page);
  await expect(hooks.sampleType(page)).toHaveValue('alloc_space');
  await screenshot(page, 'workspace-five-sources');

  // Back returns to the dump (a source switch is a history entry).
  await page.goBack();
  await expect(page.getByTestId('crash-banner')).toBeVisible();
  expect(await page.evaluate(() => location.hash)).toContain('src=2');

  // Closing the active source shows its neighbour; the rest stay.
  await rows(page).nth(2).locator('.source-close').click();
  await expect(rows(page)).toHaveCount(4);
  expect(await rows(page).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-format')))).toEqual(['pprof', 'pprof', 'go-trace', 'map-snapshot']);
  await expect(page.getByTestId('goroutine-timeline')).toBeVisible();
});

test('a link listing several examples reloads the workspace at the named source and view', async ({ page }) => {
  await page.goto('/?example=cpu&example=mutex#src=1&view=top');
  await expect(rows(page)).toHaveCount(2, { timeout: 60_000 });
  await waitReady(page);
  await expect(hooks.topTable(page)).toBeVisible();
  await expect(rows(page).nth(1)).toHaveClass(/active/);
  await expect(hooks.sampleType(page)).toHaveValue(/contentions|delay/);
  await page.reload();
  await expect(rows(page)).toHaveCount(2, { timeout: 60_000 });
  await waitReady(page);
  await expect(rows(page).nth(1)).toHaveClass(/active/);
  await expect(hooks.topTable(page)).toBeVisible();
  expect(new URL(page.url()).search).toBe('?example=cpu&example=mutex');
});
