// Share: a local-file workspace travels in a link's fragment and opens in a fresh browser
// context at the same view; "Export report" writes one HTML file that opens from disk
// with the network off, at the same view, without any request.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { exampleFile, hooks, repoRoot, screenshot, waitReady } from './helpers';

const DUMP = path.join(repoRoot, 'testdata/godump/concurrent-map-writes.txt');
const rows = (page: import('@playwright/test').Page) => page.getByTestId('sources').locator('li[data-format]');
const formats = (page: import('@playwright/test').Page) => rows(page).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-format')));

test('a local-file workspace shared by fragment link opens in a fresh context at the same view', async ({ page, browser }) => {
  await page.goto('/');
  await hooks.openFile(page).setInputFiles([exampleFile('cpu'), DUMP]);
  await expect(rows(page)).toHaveCount(2, { timeout: 60_000 });
  await waitReady(page);
  // View: the CPU profile's top table, sorted view with a selected function.
  await rows(page).nth(0).locator('.source-open').click();
  await waitReady(page);
  await page.getByRole('tab', { name: 'Top', exact: true }).click();
  await expect(hooks.topTable(page)).toBeVisible();
  const first = await hooks.topRows(page).first().getAttribute('data-name');
  await hooks.topRows(page).first().click();
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('fn=');
  const wantHash = await page.evaluate(() => location.hash);

  await page.getByTestId('share').click();
  await expect(page.getByTestId('share-dialog')).toBeVisible();
  // Local files: no plain link, an evidence link instead.
  await expect(page.getByTestId('share-link')).toHaveCount(0);
  const link = await page.getByTestId('share-fragment-link').inputValue();
  expect(link).toContain('#view=top');
  expect(link).toMatch(/&ws=[A-Za-z0-9_-]+$/);
  expect(new URL(link).search).toBe('');
  await screenshot(page, 'share-dialog');

  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    const requests: string[] = [];
    other.on('request', (r) => requests.push(r.url()));
    await other.goto(link);
    await expect(other.getByTestId('sources').locator('li[data-format]')).toHaveCount(2, { timeout: 60_000 });
    await waitReady(other);
    expect(await formats(other)).toEqual(['pprof', 'go-dump']);
    await expect(other.getByTestId('top-table')).toBeVisible();
    await expect(other.getByTestId('top-table').locator('tr[data-name].selected, tr[data-name][aria-selected=true]').first()).toHaveAttribute('data-name', first!);
    // The view hash is the shared one (the evidence stays in the URL until the workspace changes).
    const h = await other.evaluate(() => location.hash);
    expect(h.startsWith(wantHash)).toBe(true);
    // Nothing but the app's own files was requested (the evidence was in the link).
    expect(requests.filter((u) => !u.startsWith(new URL(link).origin))).toEqual([]);
    await screenshot(other, 'share-fragment-opened');
  } finally {
    await fresh.close();
  }
});

test('the exported report opens from disk with the network disabled, at the same view', async ({ page, guard }) => {
  await page.goto('/');
  await hooks.openFile(page).setInputFiles([DUMP, exampleFile('heap')]);
  await expect(rows(page)).toHaveCount(2, { timeout: 60_000 });
  await waitReady(page);
  await hooks.sampleType(page).selectOption('alloc_space');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('st=alloc_space');
  await page.getByTestId('share').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
  const dir = path.join(repoRoot, 'test-results', 'report');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'stacklens-report.html');
  await download.saveAs(file);
  expect(statSync(file).size).toBeGreaterThan(100_000);
  const html = readFileSync(file, 'utf8');
  expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; worker-src blob:;/);
  expect(html).not.toMatch(/<script[^>]+src=/);

  guard.reset();
  await page.context().setOffline(true);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${file}`);
  await expect(rows(page)).toHaveCount(2, { timeout: 60_000 });
  await waitReady(page);
  expect(await formats(page)).toEqual(['go-dump', 'pprof']);
  await expect(rows(page).nth(1)).toHaveClass(/active/);
  await expect(hooks.sampleType(page)).toHaveValue('alloc_space');
  await expect(hooks.frames(page).first()).toBeAttached();
  // The dump is in the report too.
  await rows(page).nth(0).locator('.source-open').click();
  await expect(page.getByTestId('crash-banner')).toBeVisible();
  expect(requests.filter((u) => /^(https?|wss?):/.test(u))).toEqual([]);
  await screenshot(page, 'report-offline');
  await page.context().setOffline(false);
});
