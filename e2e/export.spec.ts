// The toolbar's Export menu, end to end: on the CPU example focused on one tag value
// (#tag=worker:hash) every format downloads through the browser's own download path,
// the pprof file opens in the machine's `go tool pprof` with the app's top-table numbers,
// the folded stacks add up to the same total, the SVG is well-formed standalone markup
// with the flame graph's frames and nothing active in it (also for hostile names), and
// the PNG is a real PNG of the SVG's size. The exported images are screenshotted for a look.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { SCREENS_DIR, hooks, pickFile, readTopRows, repoRoot, waitReady } from './helpers';

const OUT = path.join(repoRoot, 'test-results', 'export');
const HOSTILE = path.join(repoRoot, 'testdata', 'pprof', 'hostile-names.pb.gz');

function goBinary(): string | null {
  for (const go of ['go', '/usr/local/go/bin/go']) {
    try {
      execFileSync(go, ['version'], { stdio: 'ignore', env: { ...process.env, GOTOOLCHAIN: 'local' } });
      return go;
    } catch {
      // next
    }
  }
  return null;
}

async function exportItem(page: Page, item: 'svg' | 'png' | 'folded' | 'pprof', saveAs: string): Promise<{ file: string; suggested: string }> {
  const menu = page.getByTestId('export-menu');
  await menu.locator('summary').click();
  const button = menu.locator(`[data-export=${item}]`);
  await expect(button).toBeEnabled();
  const [download] = (await Promise.all([page.waitForEvent('download'), button.click()])) as [Download, void];
  const file = path.join(OUT, saveAs);
  await download.saveAs(file);
  await expect(menu).not.toHaveAttribute('data-busy');
  return { file, suggested: download.suggestedFilename() };
}

/** Parses the SVG in the page (DOMParser) and lists what it holds. */
async function inspectSvg(page: Page, text: string) {
  return page.evaluate((src) => {
    const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
    const all = [...doc.querySelectorAll('*')];
    return {
      parseError: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.tagName,
      width: doc.documentElement.getAttribute('width'),
      height: doc.documentElement.getAttribute('height'),
      elements: [...new Set(all.map((e) => e.tagName))].sort(),
      handlers: all.flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => /^on/i.test(n) || /href$/i.test(n) || n === 'style'),
      frameTitles: [...doc.querySelectorAll('svg > g > svg > title')].map((t) => t.textContent ?? ''),
      labels: [...doc.querySelectorAll('svg > g > svg > text')].map((t) => t.textContent ?? ''),
    };
  }, text);
}

/** The frames the app's flame graph shows, by name (its d3 `name` attribute). */
async function flameNames(page: Page): Promise<string[]> {
  return hooks.frames(page).evaluateAll((gs) => gs.map((g) => g.getAttribute('name') ?? ''));
}

/** Shows an image file as an <img> in a blank page and screenshots it, to look at the export. */
async function screenshotImage(page: Page, file: string, mime: string, name: string): Promise<string> {
  const view = await page.context().newPage();
  await view.setContent('<!doctype html><body style="margin:0;background:#888"></body>');
  const dataUrl = `data:${mime};base64,${readFileSync(file).toString('base64')}`;
  await view.evaluate(async (src) => {
    const img = document.createElement('img');
    img.id = 'shown';
    img.src = src;
    document.body.append(img);
    await img.decode();
  }, dataUrl);
  mkdirSync(SCREENS_DIR, { recursive: true });
  const shot = path.join(SCREENS_DIR, `${name}.png`);
  await view.locator('#shown').screenshot({ path: shot });
  await view.close();
  return shot;
}

test.beforeAll(() => mkdirSync(OUT, { recursive: true }));

test('exports the tag-focused CPU example as pprof, folded stacks, SVG and PNG', async ({ page }) => {
  await page.goto('/?example=cpu#view=flame&tag=worker:hash');
  await waitReady(page);
  await expect(page.getByTestId('tag-chips')).toContainText('worker=hash');
  await expect(hooks.frames(page).first()).toBeVisible();
  const rows = await readTopRows(page);
  expect(rows.length).toBeGreaterThan(3);

  // ---- pprof: go tool pprof reads it, with the app's numbers ----
  const pprof = await exportItem(page, 'pprof', 'cpu.filtered.pb.gz');
  expect(pprof.suggested).toBe('cpu.filtered.pb.gz');
  const bytes = readFileSync(pprof.file);
  expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
  const go = goBinary();
  let total = NaN;
  if (!go) console.warn('skipped: go tool pprof comparison of the exported profile — Go toolchain not found');
  else {
    const out = execFileSync(go, ['tool', 'pprof', '-top', '-nodefraction=0', '-nodecount=100000', '-unit=ns', pprof.file], {
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: 'local', BROWSER: 'none' },
    });
    expect(out).toContain('stacklens:'); // the comment naming the filter
    total = Number(/of (\d+)ns total/.exec(out)?.[1]);
    const pprofRows = new Map<string, { flat: number; cum: number }>();
    for (const line of out.split('\n')) {
      const m = /^\s*(\d+)(?:ns)?\s+\S+%\s+\S+%\s+(\d+)(?:ns)?\s+\S+%\s+(.*)$/.exec(line);
      if (m) pprofRows.set(m[3].replace(/ \(inline\)$/, ''), { flat: Number(m[1]), cum: Number(m[2]) });
    }
    for (const r of rows) expect({ name: r.name, flat: r.flat, cum: r.cum }).toEqual({ name: r.name, ...pprofRows.get(r.name) });
    // Only the focused worker's code is in the file.
    expect([...pprofRows.keys()]).toContain('main.hashWorker');
    expect([...pprofRows.keys()]).not.toContain('main.parseWorker');
    const root = rows.reduce((a, r) => Math.max(a, r.cum), 0);
    expect(total).toBe(root);
  }

  // ---- folded stacks: the same samples ----
  const folded = await exportItem(page, 'folded', 'cpu.filtered.folded.txt');
  expect(folded.suggested).toBe('cpu.filtered.folded.txt');
  const lines = readFileSync(folded.file, 'utf8').trim().split('\n');
  expect(lines.every((l) => /^\S.* \d+$/.test(l))).toBe(true);
  const sum = lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  expect(sum).toBe(rows.reduce((a, r) => Math.max(a, r.cum), 0));
  if (go) expect(sum).toBe(total);
  expect(lines.some((l) => l.includes(';main.parseWorker;'))).toBe(false);

  // ---- SVG: standalone, with the frames on screen, nothing active ----
  const svg = await exportItem(page, 'svg', 'cpu.filtered.flame.svg');
  expect(svg.suggested).toBe('cpu.filtered.flame.svg');
  const svgText = readFileSync(svg.file, 'utf8');
  const info = await inspectSvg(page, svgText);
  expect(info.parseError).toBeNull();
  expect(info.root).toBe('svg');
  expect(info.elements).toEqual(['g', 'rect', 'svg', 'text', 'title']);
  expect(info.handlers).toEqual([]);
  const onScreen = await flameNames(page);
  expect(info.frameTitles).toEqual(onScreen);
  expect(info.labels).toContain('main.hashWorker');
  expect(svgText).toContain('cpu.pb.gz — cpu (nanoseconds)');
  expect(svgText).toContain('tag worker=hash');
  const svgShot = await screenshotImage(page, svg.file, 'image/svg+xml', 'export-cpu-svg');

  // ---- PNG: a real PNG of the SVG's size ----
  const png = await exportItem(page, 'png', 'cpu.filtered.flame.png');
  expect(png.suggested).toBe('cpu.filtered.flame.png');
  const pngBytes = readFileSync(png.file);
  expect([...pngBytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(pngBytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  const dpr = await page.evaluate(() => Math.min(3, Math.max(1, Math.round(window.devicePixelRatio || 1))));
  expect(pngBytes.readUInt32BE(16)).toBe(Number(info.width) * dpr);
  expect(pngBytes.readUInt32BE(20)).toBe(Number(info.height) * dpr);
  // Not a blank canvas: the frames' colours are in it (a blank PNG of this size is tiny).
  expect(pngBytes.length).toBeGreaterThan(8000);
  const pngShot = await screenshotImage(page, png.file, 'image/png', 'export-cpu-png');
  test.info().annotations.push({ type: 'screens', description: `${svgShot} ${pngShot}` });
});

test('the exported SVG keeps hostile names as text', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, HOSTILE);
  await waitReady(page);
  await expect(hooks.frames(page).first()).toBeVisible();
  const svg = await exportItem(page, 'svg', 'hostile-names.flame.svg');
  const text = readFileSync(svg.file, 'utf8');
  const info = await inspectSvg(page, text);
  expect(info.parseError).toBeNull();
  expect(info.elements).toEqual(['g', 'rect', 'svg', 'text', 'title']);
  expect(info.handlers).toEqual([]);
  expect(info.frameTitles).toEqual(await flameNames(page));
  expect(info.frameTitles).toContain('window.__xss=2main.handler');
  expect(text).not.toMatch(/<(script|img|foreignObject|a|image|iframe|style)[\s>/]/i);
  // Opened on its own, the file runs nothing.
  const view = await page.context().newPage();
  await view.goto(`file://${svg.file}`);
  await view.waitForTimeout(300);
  expect(await view.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  await view.close();
  await screenshotImage(page, svg.file, 'image/svg+xml', 'export-hostile-svg');
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
});

test('image exports need a flame graph on screen; profile exports do not', async ({ page }) => {
  await page.goto('/?example=heap#view=top');
  await waitReady(page);
  const menu = page.getByTestId('export-menu');
  await menu.locator('summary').click();
  await expect(menu.locator('[data-export=svg]')).toBeDisabled();
  await expect(menu.locator('[data-export=png]')).toBeDisabled();
  await expect(menu.locator('[data-export=folded]')).toBeEnabled();
  await expect(menu.locator('[data-export=pprof]')).toBeEnabled();
  await menu.locator('summary').click();
  const folded = await exportItem(page, 'folded', 'heap.folded.txt');
  expect(folded.suggested).toBe('heap.folded.txt');
  expect(readFileSync(folded.file, 'utf8')).toMatch(/^\S.* \d+\n/);
});

test('the inverted (icicle) flame graph exports as drawn', async ({ page }) => {
  await page.goto('/?example=cpu#view=flame&inv=1');
  await waitReady(page);
  await expect(hooks.frames(page).first()).toBeVisible();
  const svg = await exportItem(page, 'svg', 'cpu.inverted.flame.svg');
  const info = await inspectSvg(page, readFileSync(svg.file, 'utf8'));
  expect(info.parseError).toBeNull();
  expect(info.frameTitles).toEqual(await flameNames(page));
  expect(info.frameTitles[0]).toBe('root');
  expect(readFileSync(svg.file, 'utf8')).toContain('inverted');
  await screenshotImage(page, svg.file, 'image/svg+xml', 'export-cpu-inverted-svg');
});

test('a perf dump exports the shown event as a profile go tool pprof reads with the same numbers', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, path.join(repoRoot, 'testdata', 'perf', 'multi-event.perf.txt'));
  await waitReady(page);
  await page.getByTestId('view-top').click();
  const rows = await readTopRows(page);
  expect(rows.length).toBeGreaterThan(3);
  const pprof = await exportItem(page, 'pprof', 'multi-event.pb.gz');
  expect(pprof.suggested).toBe('multi-event.pb.gz');
  const go = goBinary();
  test.skip(!go, 'go tool pprof comparison needs the Go toolchain');
  const out = execFileSync(go!, ['tool', 'pprof', '-top', '-nodefraction=0', '-nodecount=100000', '-unit=ns', pprof.file], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local', BROWSER: 'none' },
  });
  expect(out).toContain('stacklens: converted from perf script text, event cpu-clock');
  const pprofRows = new Map<string, { flat: number; cum: number }>();
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)(?:ns)?\s+\S+%\s+\S+%\s+(\d+)(?:ns)?\s+\S+%\s+(.*)$/.exec(line);
    if (m) pprofRows.set(m[3].replace(/ \(inline\)$/, ''), { flat: Number(m[1]), cum: Number(m[2]) });
  }
  for (const r of rows) expect({ name: r.name, flat: r.flat, cum: r.cum }).toEqual({ name: r.name, ...pprofRows.get(r.name) });
});
