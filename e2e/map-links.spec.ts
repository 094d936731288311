// Links into the Map view's explanation of runtime map functions, and map growth
// hotspots: a crash dump's banner → map goroutine → explanation (with the dump's own
// goroutines and a simulator demo whose counters light up in the statistics); a goroutine
// group's link; a flame-graph frame and a top-table row in map internals (a Go trace's
// CPU samples) → explanation; a heap profile → hotspots table with the CLI's numbers;
// every link is one history entry (back returns), and a deep link opens the explanation.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { decodedHash, hooks, pickFile, repoRoot, screenshot, waitReady } from './helpers';

const CRASH = path.join(repoRoot, 'testdata', 'godump', 'concurrent-map-writes.system.txt');
const READ_WRITE = path.join(repoRoot, 'testdata', 'godump', 'concurrent-map-read-write.txt');
const TRACE = path.join(repoRoot, 'testdata', 'gotrace', 'cpu.trace');
const HEAP_FRAMES = path.join(repoRoot, 'testdata', 'pprof', 'mapgrowth.frames.heap.pb.gz');
const HEAP_PPROF = path.join(repoRoot, 'testdata', 'pprof', 'mapgrowth.heap.pb.gz');

interface CliHotspots {
  sampleTypes: { type: string; unit: string }[];
  rows: { caller: string; values: number[] }[];
  mapTotals: number[];
  runtimeFramesHidden: boolean;
}

function cliHotspots(file: string): CliHotspots {
  return JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/stacklens.mjs'), 'map', '--hotspots', file, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
}

async function hash(page: Page): Promise<string> {
  return decodedHash(page);
}

test('crash banner → map goroutine → explanation with the dump’s goroutines; demo lights counters; back returns', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, CRASH);
  await waitReady(page);
  const banner = page.getByTestId('crash-banner');
  await expect(banner).toContainText('concurrent map writes');
  const link = page.getByTestId('map-goroutines').getByTestId('explain-map').first();
  await expect(link).toHaveAttribute('data-fn', 'runtime.mapassign_fast64');
  await link.click();

  await expect(page.locator('main')).toHaveAttribute('data-view', 'map');
  const ex = page.getByTestId('map-explainer');
  await expect(ex).toHaveAttribute('data-entry', 'assign');
  await expect(page.getByTestId('explain-name')).toHaveText('runtime.mapassign_fast64');
  await expect(page.getByTestId('explain-versions')).toContainText('Go 1.24+');
  await expect(page.getByTestId('explain-versions')).toContainText('1.23');
  await expect(ex).toContainText('fast path for 8-byte keys');
  await expect(page.getByTestId('explain-dump-context')).toContainText('main.hammerWrite');
  await expect(page.getByTestId('explain-dump-context')).toContainText('fatal error: concurrent map writes');
  expect(await hash(page)).toContain('view=map');
  expect(await hash(page)).toContain('mapfn=runtime.mapassign_fast64');
  await screenshot(page, 'map-links-crash-explained');

  // The demo runs in the simulator: the heatmap appears, the explained counters light up.
  await page.getByTestId('explain-demo').click();
  const heat = page.getByTestId('map-heatmap');
  await expect(heat).toHaveAttribute('data-layout', 'swiss');
  await expect(page.getByTestId('sim-events')).toContainText('tableGrow');
  const lit = page.getByTestId('map-stats').locator('tr[data-highlight=true]');
  await expect(lit.first()).toBeVisible();
  expect(await lit.evaluateAll((trs) => trs.map((t) => t.getAttribute('data-counter')))).toEqual(expect.arrayContaining(['count', 'growthLeft', 'tombstones', 'load']));
  // The counters table shows this map's values: 15 keys, a 32-slot table.
  await expect(page.getByTestId('explain-counters').locator('tr[data-counter=count]')).toContainText('15');
  expect(await hash(page)).toContain('sim=');
  await screenshot(page, 'map-links-demo');

  // Back: the demo goes, the explanation stays; back again: the crash dump's goroutines.
  await page.goBack();
  await expect(heat).toHaveCount(0);
  await expect(ex).toHaveAttribute('data-entry', 'assign');
  await page.goBack();
  await expect(page.locator('main')).toHaveAttribute('data-view', 'goroutines');
  await expect(banner).toBeVisible();
  expect(await hash(page)).not.toContain('mapfn=');
  // Forward comes back to the explanation.
  await page.goForward();
  await expect(page.getByTestId('map-explainer')).toHaveAttribute('data-entry', 'assign');
});

test('a goroutine group inside maps.fatal links to the crash explanation', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, READ_WRITE);
  await waitReady(page);
  const row = page.getByTestId('dump-groups').locator('tr[data-count]').first();
  const link = row.getByTestId('group-explain-map');
  await expect(link).toHaveAttribute('data-fn', 'internal/runtime/maps.fatal');
  await link.click();
  await expect(page.getByTestId('map-explainer')).toHaveAttribute('data-entry', 'fatal');
  await expect(page.getByTestId('map-explainer')).toContainText('concurrent map read and map write');
  await expect(page.getByTestId('explain-dump-context')).toContainText('main.hammerRead');
  await page.goBack();
  await expect(page.locator('main')).toHaveAttribute('data-view', 'goroutines');
  await page.getByTestId('explain-crash').click();
  await expect(page.getByTestId('map-explainer')).toHaveAttribute('data-entry', 'fatal');
});

test('a flame-graph frame and a top-table row in map internals (trace CPU samples) → explanation', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, TRACE);
  await waitReady(page);
  await page.getByTestId('view-flame').click();
  await expect(page.locator('main')).toHaveAttribute('data-view', 'flame');
  // Top table row: filter to the split and follow its explain link.
  await page.getByTestId('top-filter').fill('maps.(*table).split');
  const row = hooks.topRows(page).filter({ hasText: 'internal/runtime/maps.(*table).split' }).first();
  await row.getByTestId('top-explain-map').click();
  await expect(page.getByTestId('map-explainer')).toHaveAttribute('data-entry', 'split');
  expect(await hash(page)).toContain('mapfn=internal/runtime/maps.(*table).split');
  await screenshot(page, 'map-links-split-explained');
  await page.goBack();
  await expect(page.locator('main')).toHaveAttribute('data-view', 'flame');

  // Flame graph: zoom into the map loop, Alt+click a map frame, follow the bar's link.
  const loop = hooks.frames(page).filter({ hasText: /^main\.mapLoop$/ }).first();
  await loop.click();
  await expect(hooks.breadcrumb(page)).toContainText('main.mapLoop');
  const mapFrame = hooks.frames(page).filter({ hasText: /^runtime\.mapassign_fast64$/ }).first();
  await mapFrame.hover();
  await expect(page.locator('.flame-tip')).toContainText('Runtime map internals');
  await mapFrame.click({ modifiers: ['Alt'] });
  const bar = page.getByTestId('flame-explain');
  await expect(bar).toContainText('runtime.mapassign_fast64');
  await screenshot(page, 'map-links-flame-selected');
  await bar.getByTestId('explain-map').click();
  await expect(page.getByTestId('map-explainer')).toHaveAttribute('data-entry', 'assign');
  await expect(page.getByTestId('explain-profile-context')).toContainText('main.mapLoop');
  await page.goBack();
  await expect(page.locator('main')).toHaveAttribute('data-view', 'flame');
  await expect(page.getByTestId('flame-explain')).toBeVisible();
});

test('a heap profile shows map growth hotspots with the CLI’s numbers; a path explains its operation', async ({ page }) => {
  const cli = cliHotspots(HEAP_FRAMES);
  const st = cli.sampleTypes.findIndex((t) => t.type === 'alloc_space');
  await page.goto('/');
  await pickFile(page, HEAP_FRAMES);
  await waitReady(page);
  await page.getByTestId('sample-type').selectOption('alloc_space');
  await page.getByTestId('view-map').click();
  const panel = page.getByTestId('map-hotspots');
  await expect(panel).toHaveAttribute('data-hidden-runtime', 'false');
  const rows = panel.getByTestId('hotspot-row');
  await expect(rows).toHaveCount(cli.rows.length);
  const shown = await rows.evaluateAll((trs) => trs.map((t) => ({ caller: t.getAttribute('data-caller'), values: (t.getAttribute('data-values') ?? '').split(',').map(Number) })));
  const expected = [...cli.rows].sort((a, b) => b.values[st]! - a.values[st]!).map((r) => ({ caller: r.caller, values: r.values }));
  expect(shown).toEqual(expected);
  expect(shown[0]!.caller).toBe('main.buildIndex');
  await screenshot(page, 'map-hotspots-frames');

  // A path's operation links to its explanation; back returns to the table.
  await panel.locator('tr.hotspot-path[data-site="internal/runtime/maps.(*table).split"]').first().getByTestId('hotspot-explain').last().click();
  await expect(page.getByTestId('map-explainer')).toHaveAttribute('data-entry', 'split');
  await expect(page.getByTestId('explain-profile-context')).toContainText('main.buildIndex');
  await page.goBack();
  await expect(page.getByTestId('map-explainer')).toHaveCount(0);
  await expect(panel).toBeVisible();

  // The same program's profile as runtime/pprof writes it: the caveat, and only the
  // reflect / maps.Clone entry points left.
  const cliPprof = cliHotspots(HEAP_PPROF);
  expect(cliPprof.runtimeFramesHidden).toBe(true);
  await pickFile(page, HEAP_PPROF);
  await expect(page.getByTestId('hotspots-caveat')).toContainText('runtime/pprof');
  await expect(panel.getByTestId('hotspot-row')).toHaveCount(cliPprof.rows.length);
  await expect(panel).toContainText('maps.clone');
  await screenshot(page, 'map-hotspots-pprof');
});

test('a deep link opens an explanation without any source; the index switches functions', async ({ page }) => {
  await page.goto(`/#view=map&mapfn=${encodeURIComponent('internal/runtime/maps.(*Map).growToTable')}`);
  const ex = page.getByTestId('map-explainer');
  await expect(ex).toHaveAttribute('data-entry', 'growToTable');
  await expect(page.getByTestId('explain-versions')).toContainText('1.24');
  await page.getByTestId('map-fn-index').locator('[data-entry=hashGrow]').click();
  await expect(ex).toHaveAttribute('data-entry', 'hashGrow');
  await expect(page.getByTestId('explain-versions')).toContainText('Gone in Go 1.26');
  await page.getByTestId('explain-demo').click();
  await expect(page.getByTestId('map-heatmap')).toHaveAttribute('data-layout', 'classic');
  // The classic paragraph is the drawn one; B and the grow threshold light up.
  await expect(ex.locator('.explain-layout.drawn h4')).toContainText('Classic');
  const lit = await page.getByTestId('map-stats').locator('tr[data-highlight=true]').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-counter')));
  expect(lit).toEqual(expect.arrayContaining(['B', 'growThreshold', 'noverflow', 'evacuation']));
  await screenshot(page, 'map-links-classic-demo');
  await page.goBack();
  await page.goBack();
  await expect(ex).toHaveAttribute('data-entry', 'growToTable');
  // Hostile text in the URL is shown as text.
  await page.goto(`/#view=map&mapfn=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
  await expect(ex).toHaveAttribute('data-entry', '');
  await expect(ex).toContainText('<img src=x onerror=alert(1)>');
});
