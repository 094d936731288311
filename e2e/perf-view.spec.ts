// The Processes view of a `perf script` dump (testdata/perf, real recordings of
// tools/gen/hotupgrade under perf 6.1):
//   * multi-event: the event picker lists every event with its record count (= the CLI's
//     summary); switching events changes the flame graph, and the top table equals
//     `stacklens top --event <e> [--sample samples] --json`; filtering a process (picker and
//     timeline lane click) and drag-selecting a time range restrict the samples exactly as a
//     plain count of the text's record headers says; all of it is in the URL and a reload
//     (re-picking the file) restores the same view;
//   * fork+exec and in-place recordings: the exec rows (pid, event, old pid, kind) match the
//     PIDs the program printed itself (the .json sidecars), and so does the lineage.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { decodedHash, hooks, pickFile, readTopRows, repoRoot, screenshot, waitReady, type CliTop, type TopRow } from './helpers';

const DIR = path.join(repoRoot, 'testdata', 'perf');
const MULTI = path.join(DIR, 'multi-event.perf.txt');

interface Sidecar {
  processes: { mode: string; gen: number; pid: number; ppid: number }[];
  execCalls: { pid: number; tid: number }[];
  binary: string;
}

function sidecar(name: string): Sidecar {
  return JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as Sidecar;
}

interface Header {
  pid: number;
  tid: number;
  /** ns since the first record (perf prints µs: 6 decimals). */
  ns: number;
  event: string;
}

/** Record headers straight from the text (`comm pid/tid [cpu] sec.usec: [period] event:`), independent of the app's parser. */
function headers(file: string): Header[] {
  const out: Header[] = [];
  let origin: [number, number] | null = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*\S.*?\s(\d+)\/(\d+)\s+(?:\[\d+\]\s+)?(\d+)\.(\d{6}):\s+(?:\d+\s+)?([\w:-]+):/.exec(line);
    if (!m) continue;
    const sec = Number(m[3]);
    const usec = Number(m[4]);
    origin ??= [sec, usec];
    out.push({ pid: Number(m[1]), tid: Number(m[2]), ns: (sec - origin[0]) * 1e9 + (usec - origin[1]) * 1e3, event: m[5] });
  }
  return out;
}

function cli(args: string[]): string {
  return execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'stacklens.mjs'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
}

/** `stacklens top FILE --event EVENT [--sample TYPE] --json`. */
function cliTop(file: string, sample: string | undefined, event: string): CliTop {
  return JSON.parse(cli(['top', file, '--event', event, ...(sample ? ['--sample', sample] : []), '--json'])) as CliTop;
}

function rowsOf(t: { rows: TopRow[] }): [string, number, number][] {
  return t.rows.slice(0, TOP_ROWS).map((r) => [r.name, r.flat, r.cum]);
}

/** Rows compared with the CLI: the docked table renders the heaviest rows first. */
const TOP_ROWS = 30;

async function appTop(page: Page): Promise<[string, number, number][]> {
  return (await readTopRows(page, TOP_ROWS)).map((r) => [r.name, r.flat, r.cum]);
}

async function kept(page: Page): Promise<number> {
  return Number(await page.getByTestId('perf-samples').getAttribute('data-kept'));
}

/** Waits until the top table equals the CLI's rows (the analysis is asynchronous). */
async function expectTop(page: Page, want: [string, number, number][]): Promise<void> {
  await expect.poll(async () => JSON.stringify(await appTop(page)), { timeout: 20_000 }).toBe(JSON.stringify(want));
}

test('perf view: events, weights, process and time-range filters, URL and reload', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto('/');
  await pickFile(page, MULTI);
  await waitReady(page);
  await expect(page.locator('main')).toHaveAttribute('data-view', 'perf');
  const picker = page.getByTestId('perf-event');
  const timeline = page.getByTestId('process-timeline');
  await expect(timeline).toBeVisible();

  // Every event, with the record counts the CLI summary prints; the CPU profile first.
  const summary = JSON.parse(cli(['summary', MULTI, '--json'])) as { events: Record<string, number> };
  const options = await picker.locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? '']));
  expect(options.map(([v]) => v).sort()).toEqual(Object.keys(summary.events).sort());
  for (const [v, text] of options) expect(text).toContain(`(${summary.events[v].toLocaleString('en-US')} record`);
  await expect(picker).toHaveValue('cpu-clock');
  await expect(page.getByTestId('perf-weight-period')).toBeChecked();

  // cpu-clock weighted by period = `top --event cpu-clock`; by count = `--sample samples`.
  const cpuTop = rowsOf(cliTop(MULTI, undefined, 'cpu-clock'));
  await expectTop(page, cpuTop);
  const cpuFrames = await hooks.frames(page).count();
  await page.getByTestId('perf-weight-count').check();
  await expectTop(page, rowsOf(cliTop(MULTI, 'samples', 'cpu-clock')));
  await expect.poll(() => decodedHash(page)).toContain('w=count');
  await screenshot(page, 'perf-view-cpu-clock');

  // Another event: a different flame graph, the CLI's numbers; tracepoints have no period.
  await picker.selectOption('sched:sched_process_fork');
  await expect(page.getByTestId('perf-weight-period')).toHaveCount(0);
  await expectTop(page, rowsOf(cliTop(MULTI, undefined, 'sched:sched_process_fork')));
  await expect.poll(() => hooks.frames(page).count()).not.toBe(cpuFrames);
  await expect(page.getByTestId('perf-samples')).toHaveAttribute('data-total', String(summary.events['sched:sched_process_fork']));
  await picker.selectOption('sched:sched_switch');
  await expectTop(page, rowsOf(cliTop(MULTI, undefined, 'sched:sched_switch')));
  await expect.poll(() => decodedHash(page)).toContain('ev=sched:sched_switch');
  await screenshot(page, 'perf-view-sched-switch');

  // Back to cpu-clock by period; filter to gen 2 with the process picker.
  await picker.selectOption('cpu-clock');
  await page.getByTestId('perf-weight-period').check();
  await expectTop(page, cpuTop);
  const all = await kept(page);
  const side = sidecar('multi-event');
  const g1 = side.processes.find((p) => p.gen === 1)!.pid;
  const g2 = side.processes.find((p) => p.gen === 2)!.pid;
  const hs = headers(MULTI).filter((h) => h.event === 'cpu-clock');
  expect(all).toBe(hs.length);
  await page.getByTestId('perf-process').selectOption(`p:${g2}`);
  await expect.poll(() => kept(page)).toBe(hs.filter((h) => h.pid === g2).length);
  await expect.poll(() => decodedHash(page)).toContain(`pid=${g2}`);
  let names = (await readTopRows(page)).map((r) => r.name);
  expect(names).toContain('main.forkExecGen2');
  expect(names).not.toContain('main.forkExecGen1');

  // Click gen 1's lane in the timeline: the filter follows.
  const lanes = ((await timeline.getAttribute('data-lanes')) ?? '').split(',');
  const labelW = Number(await timeline.getAttribute('data-label-width'));
  const rowH = Number(await timeline.getAttribute('data-row-height'));
  const laneCanvas = timeline.locator('.perf-lanes canvas');
  await laneCanvas.click({ position: { x: labelW + 300, y: lanes.indexOf(`p${g1}`) * rowH + rowH / 2 } });
  await expect(page.getByTestId('selected-task')).toHaveAttribute('data-pid', String(g1));
  await expect.poll(() => kept(page)).toBe(hs.filter((h) => h.pid === g1).length);
  names = (await readTopRows(page)).map((r) => r.name);
  expect(names).toContain('main.forkExecGen1');
  expect(names).not.toContain('main.forkExecGen2');
  const g1Top = JSON.stringify(await appTop(page));

  // Hover on gen 2's lane at its exec: the marker's text.
  const execRow = page.locator(`[data-testid=exec-events][data-pid="${g2}"][data-event="sched:sched_process_exec"]`);
  const execNs = Number(await execRow.getAttribute('data-time-ns'));
  const [v0, v1] = ((await timeline.getAttribute('data-view')) ?? '0-1').split('-').map(Number);
  const box = (await laneCanvas.boundingBox())!;
  await page.mouse.move(box.x + labelW + ((execNs - v0) / (v1 - v0)) * (box.width - labelW), box.y + lanes.indexOf(`p${g2}`) * rowH + rowH / 2);
  await expect(page.getByTestId('perf-tooltip')).toContainText('sched:sched_process_exec');
  await expect(page.getByTestId('perf-tooltip')).toContainText(side.binary);
  await screenshot(page, 'perf-view-exec-tooltip');

  // Drag on the time axis from 10% to 45%: a range in the URL, fewer samples, a new graph.
  const axis = (await timeline.locator('canvas.perf-axis').boundingBox())!;
  const xa = axis.x + labelW + (axis.width - labelW) * 0.1;
  const xb = axis.x + labelW + (axis.width - labelW) * 0.45;
  await page.mouse.move(xa, axis.y + axis.height / 2);
  await page.mouse.down();
  await page.mouse.move((xa + xb) / 2, axis.y + axis.height / 2, { steps: 4 });
  await page.mouse.move(xb, axis.y + axis.height / 2, { steps: 4 });
  await page.mouse.up();
  const tr = page.getByTestId('time-range');
  await expect(tr).toBeVisible();
  const t0 = Number(await tr.getAttribute('data-t0'));
  const t1 = Number(await tr.getAttribute('data-t1'));
  expect(t1).toBeGreaterThan(t0);
  await expect.poll(() => decodedHash(page)).toContain(`t=${t0}-${t1}`);
  const inRange = hs.filter((h) => h.pid === g1 && h.ns >= t0 && h.ns < t1).length;
  expect(inRange).toBeGreaterThan(0);
  expect(inRange).toBeLessThan(hs.filter((h) => h.pid === g1).length);
  await expect.poll(() => kept(page)).toBe(inRange);
  await expect.poll(async () => JSON.stringify(await appTop(page))).not.toBe(g1Top);
  const rangeTop = JSON.stringify(await appTop(page));
  const hash = await page.evaluate(() => location.hash);
  await screenshot(page, 'perf-view-range');

  // Reload and re-pick the file: the same event, process, range and numbers.
  await page.reload();
  await pickFile(page, MULTI);
  await waitReady(page);
  await expect(page.getByTestId('time-range')).toHaveAttribute('data-t0', String(t0));
  await expect(page.getByTestId('time-range')).toHaveAttribute('data-t1', String(t1));
  await expect(page.getByTestId('selected-task')).toHaveAttribute('data-pid', String(g1));
  await expect(page.getByTestId('perf-event')).toHaveValue('cpu-clock');
  await expect.poll(() => kept(page)).toBe(inRange);
  await expect.poll(async () => JSON.stringify(await appTop(page))).toBe(rangeTop);
  expect(await page.evaluate(() => location.hash)).toBe(hash);

  // Esc clears the range, then the process filter.
  await page.getByTestId('process-timeline').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('time-range')).toHaveCount(0);
  await expect.poll(() => kept(page)).toBe(hs.filter((h) => h.pid === g1).length);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('selected-task')).toHaveCount(0);
  await expect.poll(() => kept(page)).toBe(all);

  // The pickers serve every view: f shows the flame graph of the same event, p comes back.
  await page.locator('body').click({ position: { x: 5, y: 990 } });
  await page.keyboard.press('f');
  await expect(page.locator('main')).toHaveAttribute('data-view', 'flame');
  await expectTop(page, cpuTop);
  await page.keyboard.press('p');
  await expect(page.locator('main')).toHaveAttribute('data-view', 'perf');

  // Threads: every multi-threaded process expands to one lane per thread.
  await page.getByTestId('expand-all').click();
  const threads = headers(MULTI).reduce((m, h) => m.add(h.tid), new Set<number>()).size;
  const expanded = ((await timeline.getAttribute('data-lanes')) ?? '').split(',');
  expect(expanded.filter((l) => l.startsWith('t')).length + expanded.filter((l) => l.startsWith('p')).length).toBeGreaterThan(lanes.length);
  expect(new Set(expanded.filter((l) => l.startsWith('t')).map((l) => Number(l.slice(1)))).size).toBeLessThanOrEqual(threads);
  await screenshot(page, 'perf-view-threads');
});

/** Exec rows of the panel as [event, pid, old pid, kind, comm, self-replacement]. */
async function execRows(page: Page): Promise<string[][]> {
  return page
    .getByTestId('exec-events')
    .evaluateAll((trs) => trs.map((tr) => ['data-event', 'data-pid', 'data-old-pid', 'data-kind', 'data-comm', 'data-self'].map((a) => tr.getAttribute(a) ?? '')));
}

test('process replacement: fork+exec gets a new PID, as the program printed', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto('/');
  await pickFile(page, path.join(DIR, 'forkexec.perf.txt'));
  await waitReady(page);
  await expect(page.getByTestId('exec-panel')).toBeVisible();
  const side = sidecar('forkexec');
  const g1 = side.processes.find((p) => p.gen === 1)!;
  const g2 = side.processes.find((p) => p.gen === 2)!;
  expect(g2.ppid).toBe(g1.pid);
  const rows = await execRows(page);
  // The upgrade: gen 2's execve and exec, in the new PID, called by its only thread.
  const g2Rows = rows.filter((r) => r[1] === String(g2.pid));
  expect(g2Rows).toEqual([
    ['syscalls:sys_enter_execve', String(g2.pid), String(g2.pid), 'fork+exec', 'hotupgrade', '1'],
    ['sched:sched_process_exec', String(g2.pid), String(g2.pid), 'fork+exec', 'hotupgrade', '1'],
  ]);
  // Gen 1 itself was started by the recording's shell (sh → hotupgrade: a launch, not an upgrade).
  expect(rows.filter((r) => r[1] === String(g1.pid) && r[0] === 'sched:sched_process_exec')).toEqual([['sched:sched_process_exec', String(g1.pid), String(g1.pid), 'fork+exec', 'hotupgrade', '0']]);
  expect(rows.filter((r) => r[5] === '1')).toEqual(g2Rows);
  const group = page.locator('[data-testid=exec-group][data-comm=hotupgrade]');
  await expect(group).toHaveAttribute('data-verdict', 'upgrade');
  await expect(group.getByTestId('exec-reading')).toContainText(`fork+exec: ${g1.pid} → new PID ${g2.pid}`);
  await expect(group.locator(`[data-testid=exec-events][data-pid="${g2.pid}"][data-event="sched:sched_process_exec"]`)).toContainText(side.binary.slice(0, 20));
  // Lineage: gen 2 under gen 1.
  await expect(page.locator(`[data-testid=lineage-node][data-pid="${g1.pid}"] [data-testid=lineage-node][data-pid="${g2.pid}"]`)).toBeVisible();
  await page.getByTestId('exec-panel').scrollIntoViewIfNeeded();
  await screenshot(page, 'perf-exec-forkexec');
});

for (const name of ['inplace', 'inplace-leader']) {
  test(`process replacement: in-place exec keeps the PID (${name})`, async ({ page }) => {
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto('/');
    await pickFile(page, path.join(DIR, `${name}.perf.txt`));
    await waitReady(page);
    const side = sidecar(name);
    const g1 = side.processes.find((p) => p.gen === 1)!;
    expect(side.processes.find((p) => p.gen === 2)!.pid).toBe(g1.pid);
    const [call] = side.execCalls;
    const rows = await execRows(page);
    // The upgrade: execve from thread `call.tid`, exec with old_pid = that tid, same PID.
    expect(rows.filter((r) => r[5] === '1')).toEqual([
      ['syscalls:sys_enter_execve', String(call.pid), String(call.tid), 'in-place', 'hotupgrade', '1'],
      ['sched:sched_process_exec', String(call.pid), String(call.tid), 'in-place', 'hotupgrade', '1'],
    ]);
    // Before it, the recording's `sh -c exec ./hotupgrade` replaced sh in place too (a launch).
    expect(rows.filter((r) => r[0] === 'sched:sched_process_exec' && r[5] === '0' && r[4] === 'hotupgrade')).toEqual([
      ['sched:sched_process_exec', String(g1.pid), String(g1.pid), 'in-place', 'hotupgrade', '0'],
    ]);
    if (name === 'inplace') expect(call.tid).not.toBe(call.pid);
    else expect(call.tid).toBe(call.pid);
    const group = page.locator('[data-testid=exec-group][data-comm=hotupgrade]');
    await expect(group).toHaveAttribute('data-verdict', 'upgrade');
    await expect(group.getByTestId('exec-reading')).toContainText(`in-place: PID ${g1.pid} kept`);
    await page.getByTestId('exec-panel').scrollIntoViewIfNeeded();
    await screenshot(page, `perf-exec-${name}`);
  });
}

const corpus = process.env.STACKLENS_CORPUS ?? path.resolve(repoRoot, '..', 'shared', 'corpus');
const JAVA = path.join(corpus, 'flamegraph', 'test', 'perf-java-stacks-01.txt');

test('a Java dump: JIT, kernel and user frames in their own colours, one lane per process', async ({ page }) => {
  test.skip(!existsSync(JAVA), `corpus missing at ${corpus} — see shared/corpus/README.md`);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto('/');
  await pickFile(page, JAVA);
  await waitReady(page);
  await expect(page.locator('main')).toHaveAttribute('data-view', 'perf');
  // perf printed tids only (`comm tid [cpu] time:`): each is its own lane.
  const tids = new Set(readFileSync(JAVA, 'utf8').split('\n').flatMap((l) => /^\s*\S.*?\s(\d+)\s+\[\d+\]\s+\d+\.\d+:/.exec(l)?.slice(1, 2) ?? []));
  await expect(page.getByTestId('process-timeline')).toHaveAttribute('data-processes', String(tids.size));
  // No tracepoints: no markers and no exec rows, said in words.
  await expect(page.getByTestId('process-timeline')).toHaveAttribute('data-markers', '0');
  await expect(page.getByTestId('exec-events')).toHaveCount(0);
  await expect(page.getByTestId('exec-not-recorded')).toContainText('no exec tracepoints');
  // Frame colours by kind: hue families as flameData.ts frameColor draws them.
  const hues = await hooks.frames(page).evaluateAll((gs) =>
    gs.map((g) => {
      const name = g.querySelector('title')?.textContent ?? g.textContent ?? '';
      const fill = g.querySelector('rect')?.getAttribute('fill') ?? '';
      const m = /^hsl\((\d+), (\d+)%/.exec(fill);
      return { name, hue: m ? Number(m[1]) : -1, sat: m ? Number(m[2]) : -1 };
    }),
  );
  const jit = hues.filter((h) => h.hue >= 105 && h.hue < 130 && h.sat === 45);
  const kernel = hues.filter((h) => h.hue >= 205 && h.hue < 225 && h.sat === 55);
  expect(jit.length).toBeGreaterThan(0);
  expect(kernel.length).toBeGreaterThan(0);
  expect(jit.some((h) => /^L[\w/$]+;/.test(h.name) || h.name.includes('Interpreter'))).toBe(true);
  await screenshot(page, 'perf-view-java');
});
