// Goroutines view of Go dumps: the crash banner names the fatal error and the map
// goroutines with their calling user frame; group counts add up to the CLI's goroutine
// count; a SIGQUIT leak dump shows a leak marker; a group's "show in flame graph" zooms
// the flame graph, the URL carries it and a reload restores it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { decodedHash, hooks, pickFile, repoRoot, screenshot, waitReady } from './helpers';

const CRASH = path.join(repoRoot, 'testdata', 'godump', 'concurrent-map-writes.system.txt');
const LEAK = path.join(repoRoot, 'testdata', 'godump', 'leak-sigquit.txt');

function cliSummary(file: string): { goroutines: number; groups: number; fatalError: string | null; mapGoroutines: number[] } {
  return JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/stacklens.mjs'), 'summary', file, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
}

async function groupCounts(page: Page): Promise<number[]> {
  return page
    .getByTestId('dump-groups')
    .locator('tr[data-count]')
    .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-count'))));
}

test('a concurrent-map-writes crash names the fatal error and the map goroutines', async ({ page }) => {
  const cli = cliSummary(CRASH);
  expect(cli.mapGoroutines.length).toBeGreaterThan(0);
  await page.goto('/');
  await pickFile(page, CRASH);
  await waitReady(page);
  await expect(page.locator('main')).toHaveAttribute('data-view', 'goroutines');
  const banner = page.getByTestId('crash-banner');
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText('concurrent map writes');
  const mapList = page.getByTestId('map-goroutines');
  await expect(mapList).toContainText(`goroutine ${cli.mapGoroutines[0]}`);
  await expect(mapList).toContainText('runtime.mapassign_fast64');
  await expect(mapList).toContainText('main.hammerWrite');
  const counts = await groupCounts(page);
  expect(counts.length).toBe(cli.groups);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(cli.goroutines);
  // Sorted by count, largest first.
  expect([...counts].sort((a, b) => b - a)).toEqual(counts);
  // Expand the first group: its stack shows as text.
  await page.getByTestId('group-expand').first().click();
  await expect(page.getByTestId('group-stack').first()).toContainText('main.');
  await screenshot(page, 'dump-crash-goroutines');
});

test('a SIGQUIT leak dump shows groups with a leak marker; a group zooms the flame graph', async ({ page }) => {
  const cli = cliSummary(LEAK);
  await page.goto('/');
  await pickFile(page, LEAK);
  await waitReady(page);
  await expect(page.getByTestId('crash-banner')).toHaveCount(0);
  const rows = page.getByTestId('dump-groups').locator('tr[data-count]');
  await expect(rows.first()).toHaveAttribute('data-count', '40');
  await expect(rows.first()).toHaveAttribute('data-state', 'chan receive');
  const counts = await groupCounts(page);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(cli.goroutines);
  await expect(rows.first().getByTestId('leak-marker')).toBeVisible();
  // Small runtime groups carry no marker.
  await expect(rows.last().getByTestId('leak-marker')).toHaveCount(0);

  await expect(hooks.frames(page).first()).toBeAttached();
  const crumb = hooks.breadcrumb(page);
  const crumb0 = ((await crumb.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  await rows.nth(1).getByTestId('group-flame').click();
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(crumb).not.toHaveText(crumb0);
  await expect(crumb).not.toContainText('rest of the zoom path');
  await expect.poll(() => decodedHash(page)).toContain('grp=1');
  await expect.poll(() => decodedHash(page)).toContain('zoom=');
  const hash1 = await page.evaluate(() => location.hash);
  const crumb1 = ((await crumb.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  await screenshot(page, 'dump-leak-zoomed');

  // The hash alone does not reload a picked file; re-pick it with the same hash.
  await page.reload();
  await pickFile(page, LEAK);
  await waitReady(page);
  await expect.poll(() => page.evaluate(() => location.hash)).toBe(hash1);
  await expect(hooks.breadcrumb(page)).toHaveText(crumb1);
  await expect(page.getByTestId('dump-groups').locator('tr[data-count]').nth(1)).toHaveAttribute('aria-selected', 'true');
});

test('hostile text in a dump renders as text in the banner and the groups', async ({ page }) => {
  const text = [
    'fatal error: concurrent map writes <img src=x onerror=alert(1)>',
    '',
    'goroutine 1 [running]:',
    'internal/runtime/maps.fatal({0x4b5e2a?, 0x0?})',
    '\t/usr/local/go/src/runtime/panic.go:1046 +0x18',
    'main.(*T<img src=x onerror=alert(2)>).Put(...)',
    '\t/tmp/x<b>.go:10',
    'main.main()',
    '\t/tmp/x.go:20 +0x20',
    'exit status 2',
    '',
  ].join('\n');
  await page.goto('/');
  await pickFile(page, { name: 'hostile.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await waitReady(page);
  const banner = page.getByTestId('crash-banner');
  await expect(banner).toContainText('<img src=x onerror=alert(1)>');
  await expect(page.getByTestId('map-goroutines')).toContainText('internal/runtime/maps.fatal');
  await page.getByTestId('group-expand').first().click();
  await expect(page.getByTestId('group-stack')).toContainText('main.main');
  await expect(page.locator('main img, main b')).toHaveCount(0);
});
