// A Go execution trace recorded with the CPU profiler on (tools/gen/traceprof) opens in
// the tab: its CPU samples as a flame graph, with the numbers the CLI prints; a cut-off
// trace still opens what was complete and says where it broke.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { hooks, pickFile, readTopRows, repoRoot, screenshot, waitReady } from './helpers';

const TRACE = path.join(repoRoot, 'testdata', 'gotrace', 'cpu.trace');

test('a Go execution trace opens as a flame graph of its CPU samples', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, TRACE);
  await waitReady(page);
  await expect(hooks.frames(page).first()).toBeAttached();
  const cli = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/stacklens.mjs'), 'top', TRACE, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
  const rows = await readTopRows(page, 10);
  expect(rows.map((r) => [r.name, r.flat, r.cum])).toEqual(cli.rows.slice(0, 10).map((r: { name: string; flat: number; cum: number }) => [r.name, r.flat, r.cum]));
  await screenshot(page, 'go-trace-cpu');
});

test('a truncated trace shows the complete generations and a warning with the byte offset', async ({ page }) => {
  const bytes = readFileSync(TRACE);
  await page.goto('/');
  await pickFile(page, { name: 'cut.trace', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, Math.floor(bytes.length * 0.8)) });
  await waitReady(page);
  await expect(page.getByText(/cut short or damaged.*offset \d+/)).toBeVisible();
});

test('a picked trace is read by a nested worker that ends with the load; the source worker then answers for it', async ({ page }) => {
  // Watch the browser's worker targets: the nested one is named by worker/nested.ts.
  const cdp = await page.context().browser()!.newBrowserCDPSession();
  const traceWorkers = new Set<string>();
  const ended = new Set<string>();
  cdp.on('Target.targetInfoChanged', (e) => {
    if (e.targetInfo.type === 'worker' && e.targetInfo.title === 'stacklens-trace-load') traceWorkers.add(e.targetInfo.targetId);
  });
  cdp.on('Target.targetDestroyed', (e) => ended.add(e.targetId));
  await cdp.send('Target.setDiscoverTargets', { discover: true });
  await page.goto('/');
  await pickFile(page, TRACE);
  await waitReady(page);
  expect(traceWorkers.size).toBe(1);
  await expect.poll(() => [...traceWorkers].every((id) => ended.has(id))).toBe(true);
  // The flame graph's queries and the trace's timeline are answered without it.
  await expect(hooks.frames(page).first()).toBeAttached();
  const cli = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/stacklens.mjs'), 'top', TRACE, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
  expect((await readTopRows(page, 3)).map((r) => r.flat)).toEqual(cli.rows.slice(0, 3).map((r: { flat: number }) => r.flat));
  await cdp.detach();
});
