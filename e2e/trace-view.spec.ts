// The Timeline view of a Go execution trace: goroutine and processor timelines, the
// goroutine table equal to the CLI's goroutine summary, a time range selected by dragging
// on the time axis (in the URL; restricts the flame graph), reload with the same range,
// goroutine selection from the table (in the URL; restricts the flame graph).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { decodedHash, hooks, pickFile, repoRoot, screenshot, waitReady } from './helpers';

const TRACE = path.join(repoRoot, 'testdata', 'gotrace', 'cpu.trace');

interface CliGoroutine {
  id: number | string;
  execNs: number;
  schedWaitNs: number;
}

function cliGoroutines(): CliGoroutine[] {
  return JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/stacklens.mjs'), 'goroutines', TRACE, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
}

async function tableRows(page: Page): Promise<{ id: string; exec: number; wait: number }[]> {
  return page
    .getByTestId('goroutine-table')
    .locator('tr[data-goid]')
    .evaluateAll((trs) => trs.map((tr) => ({ id: tr.getAttribute('data-goid') ?? '', exec: Number(tr.getAttribute('data-exec-ns')), wait: Number(tr.getAttribute('data-sched-wait-ns')) })));
}

async function samplesKept(page: Page): Promise<number> {
  return Number(await page.getByTestId('trace-samples').getAttribute('data-kept'));
}

test('trace timeline: timelines, goroutine table = CLI, time range in the URL, reload', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/');
  await pickFile(page, TRACE);
  await waitReady(page);
  await expect(page.locator('main')).toHaveAttribute('data-view', 'timeline');
  const gt = page.getByTestId('goroutine-timeline');
  const pt = page.getByTestId('proc-timeline');
  await expect(gt).toBeVisible();
  await expect(pt).toBeVisible();
  expect(Number(await gt.getAttribute('data-rows'))).toBeGreaterThan(0);
  expect(Number(await pt.getAttribute('data-rows'))).toBeGreaterThan(0);

  // The table equals `stacklens goroutines --json` for every goroutine.
  const cli = cliGoroutines();
  const rows = await tableRows(page);
  const byId = new Map(rows.map((r) => [r.id, r]));
  expect(rows.length).toBe(cli.length);
  for (const g of cli) {
    const r = byId.get(String(g.id));
    expect(r, `goroutine ${g.id}`).toBeDefined();
    expect([r!.exec, r!.wait]).toEqual([g.execNs, g.schedWaitNs]);
  }

  // Hover shows a text tooltip.
  const gbox = (await gt.locator('canvas').boundingBox())!;
  await page.mouse.move(gbox.x + gbox.width * 0.5, gbox.y + 16 + 8);
  await expect(page.getByTestId('trace-tooltip')).toBeVisible();
  await expect(page.getByTestId('trace-tooltip')).toContainText(/running|runnable|waiting|syscall/);
  await screenshot(page, 'trace-timeline');

  const allSamples = await samplesKept(page);
  const framesBefore = await hooks.frames(page).count();
  const topBefore = await hooks.topRows(page).evaluateAll((trs) => trs.slice(0, 5).map((tr) => `${tr.getAttribute('data-name')}:${tr.getAttribute('data-flat')}`));

  // Drag on the time axis: from 10% to 30% of the timeline.
  const pbox = (await pt.locator('canvas').boundingBox())!;
  const x0 = pbox.x + 190 + (pbox.width - 190) * 0.1;
  const x1 = pbox.x + 190 + (pbox.width - 190) * 0.3;
  await page.mouse.move(x0, pbox.y + 10);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, pbox.y + 10, { steps: 4 });
  await page.mouse.move(x1, pbox.y + 10, { steps: 4 });
  await page.mouse.up();
  const tr = page.getByTestId('time-range');
  await expect(tr).toBeVisible();
  await expect(tr).toContainText(/ms/);
  const t0 = Number(await tr.getAttribute('data-t0'));
  const t1 = Number(await tr.getAttribute('data-t1'));
  expect(t1).toBeGreaterThan(t0);
  await expect.poll(() => decodedHash(page)).toContain(`t=${t0}-${t1}`);
  await expect.poll(() => samplesKept(page)).toBeLessThan(allSamples);
  await expect
    .poll(async () => {
      const n = await hooks.frames(page).count();
      const top = await hooks.topRows(page).evaluateAll((trs) => trs.slice(0, 5).map((tr) => `${tr.getAttribute('data-name')}:${tr.getAttribute('data-flat')}`));
      return n !== framesBefore || JSON.stringify(top) !== JSON.stringify(topBefore);
    })
    .toBe(true);
  // The table now covers the range: execution in the range never exceeds the whole trace's.
  await expect(page.getByText('Goroutines in the selected range')).toBeVisible();
  const inRange = await tableRows(page);
  for (const r of inRange) expect(r.exec).toBeLessThanOrEqual(byId.get(r.id)?.exec ?? Infinity);
  const kept = await samplesKept(page);
  await screenshot(page, 'trace-timeline-range');

  // Reload the URL, re-pick the file: same range, same samples.
  expect(page.url()).toContain(`t=${t0}-${t1}`);
  await page.reload();
  await pickFile(page, TRACE);
  await waitReady(page);
  await expect(page.getByTestId('time-range')).toHaveAttribute('data-t0', String(t0));
  await expect(page.getByTestId('time-range')).toHaveAttribute('data-t1', String(t1));
  await expect.poll(() => samplesKept(page)).toBe(kept);
  // Esc clears the range: all samples again, no t= in the URL.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('time-range')).toHaveCount(0);
  await expect.poll(() => samplesKept(page)).toBe(allSamples);
  expect(await decodedHash(page)).not.toMatch(/(^#|&)t=/);
});

test('trace timeline: selecting a goroutine filters the flame graph to its samples', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/');
  await pickFile(page, TRACE);
  await waitReady(page);
  const all = await samplesKept(page);
  // The busiest goroutine (table sorted by execution time).
  const first = page.getByTestId('goroutine-table').locator('tr[data-goid]').first();
  const id = await first.getAttribute('data-goid');
  await first.click();
  await expect(page.getByTestId('selected-goroutine')).toContainText(`G${id}`);
  await expect.poll(() => decodedHash(page)).toContain(`g=${id}`);
  await expect.poll(() => samplesKept(page)).toBeLessThan(all);
  expect(await samplesKept(page)).toBeGreaterThan(0);
  // Keyboard zoom (W) narrows the visible window.
  const before = await page.getByTestId('trace-visible').textContent();
  await page.getByTestId('proc-timeline').locator('canvas').click({ position: { x: 100, y: 60 } });
  await page.keyboard.press('w');
  await expect.poll(() => page.getByTestId('trace-visible').textContent()).not.toBe(before);
  // Wheel over the processor timeline zooms around the pointer.
  const zoomed = await page.getByTestId('trace-visible').textContent();
  const pbox = (await page.getByTestId('proc-timeline').locator('canvas').boundingBox())!;
  await page.mouse.move(pbox.x + pbox.width * 0.6, pbox.y + pbox.height - 10);
  await page.mouse.wheel(0, -400);
  await expect.poll(() => page.getByTestId('trace-visible').textContent()).not.toBe(zoomed);
  // Group-by-start-function mode.
  await page.getByTestId('group-by-start').check();
  await expect(page.getByTestId('goroutine-table')).toHaveAttribute('data-mode', 'groups');
  expect(await page.getByTestId('goroutine-table').locator('tr[data-group]').count()).toBeGreaterThan(0);
  await screenshot(page, 'trace-timeline-goroutine');
  // The flame graph below the table shows only that goroutine's samples.
  await page.getByTestId('trace-view').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(hooks.frames(page).first()).toBeAttached();
  await screenshot(page, 'trace-timeline-flame');
});
