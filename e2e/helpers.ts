// Shared helpers for the e2e specs, written against the app's stable test hooks:
//   input[type=file][data-testid=open-file], [data-testid=load-status][data-state],
//   [data-testid=error], [data-testid=sample-type] (<select>), [data-testid=flamegraph]
//   (g.frame inside), [data-testid=flame-breadcrumb], [data-testid=search],
//   [data-testid=search-summary], [data-testid=top-table] tr[data-name][data-flat][data-cum],
//   [data-testid=cancel].
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const EXAMPLES = ['cpu', 'heap', 'allocs', 'mutex', 'block', 'goroutine'] as const;
export type ExampleName = (typeof EXAMPLES)[number];

export const LOAD_TIMEOUT = 60_000;

export function exampleFile(name: string): string {
  return path.join(repoRoot, 'public', 'examples', `${name}.pb.gz`);
}

export const hooks = {
  openFile: (page: Page) => page.locator('input[type=file][data-testid=open-file]'),
  status: (page: Page) => page.getByTestId('load-status'),
  error: (page: Page) => page.getByTestId('error'),
  sampleType: (page: Page) => page.getByTestId('sample-type'),
  flamegraph: (page: Page) => page.getByTestId('flamegraph'),
  frames: (page: Page) => page.getByTestId('flamegraph').locator('g.frame'),
  breadcrumb: (page: Page) => page.getByTestId('flame-breadcrumb'),
  search: (page: Page) => page.getByTestId('search'),
  searchSummary: (page: Page) => page.getByTestId('search-summary'),
  topTable: (page: Page) => page.getByTestId('top-table'),
  topRows: (page: Page) => page.getByTestId('top-table').locator('tr[data-name]'),
  cancel: (page: Page) => page.getByTestId('cancel'),
};

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

export async function loadState(page: Page): Promise<string | null> {
  return hooks.status(page).getAttribute('data-state');
}

export async function expectState(page: Page, state: LoadState, timeout = LOAD_TIMEOUT): Promise<void> {
  await expect(hooks.status(page)).toHaveAttribute('data-state', state, { timeout });
}

/** Waits for data-state=ready; fails early with the app's error text when it shows an error. */
export async function waitReady(page: Page, timeout = LOAD_TIMEOUT): Promise<void> {
  await expect
    .poll(
      async () => {
        const s = await loadState(page);
        if (s === 'error') {
          const msg = (await hooks.error(page).textContent().catch(() => null)) ?? '';
          return `error: ${msg.trim()}`;
        }
        return s;
      },
      { timeout, intervals: [100, 250, 500] },
    )
    .toBe('ready');
}

/** Navigates to /?example=NAME and waits until the profile is loaded. */
export async function openExample(page: Page, name: string): Promise<void> {
  await page.goto(`/?example=${encodeURIComponent(name)}`);
  await waitReady(page);
}

export type FilePayload = { name: string; mimeType: string; buffer: Buffer };

/** Feeds a file (path or in-memory payload) to the file picker. Does not wait. */
export async function pickFile(page: Page, file: string | FilePayload): Promise<void> {
  await hooks.openFile(page).setInputFiles(file);
}

export interface TopRow {
  name: string;
  flat: number;
  cum: number;
}

/** The first `n` rows of the top table as raw numbers. */
export async function readTopRows(page: Page, n = Infinity): Promise<TopRow[]> {
  return hooks.topRows(page).evaluateAll(
    (trs, limit) =>
      trs.slice(0, limit).map((tr) => ({
        name: tr.getAttribute('data-name') ?? '',
        flat: Number(tr.getAttribute('data-flat')),
        cum: Number(tr.getAttribute('data-cum')),
      })),
    n === Infinity ? 1e9 : n,
  );
}

export interface FrameInfo {
  index: number;
  name: string;
  width: number;
  x: number;
  y: number;
}

/** Every rendered flame frame with its name and on-screen box. */
export async function readFrames(page: Page): Promise<FrameInfo[]> {
  return hooks.frames(page).evaluateAll((gs) =>
    gs.map((g, index) => {
      const r = g.getBoundingClientRect();
      const name =
        g.getAttribute('name') ??
        g.querySelector('title')?.textContent ??
        g.querySelector('foreignObject')?.textContent ??
        g.textContent ??
        '';
      return { index, name, width: r.width, x: r.x, y: r.y };
    }),
  );
}

/** A frame locator by index among g.frame. */
export function frameAt(page: Page, index: number): Locator {
  return hooks.frames(page).nth(index);
}

/** Location hash, decoded for substring checks. */
export async function decodedHash(page: Page): Promise<string> {
  const h = await page.evaluate(() => location.hash);
  try {
    return decodeURIComponent(h.replace(/\+/g, ' '));
  } catch {
    return h;
  }
}

export const SCREENS_DIR = path.join(repoRoot, 'test-results', 'screens');

/** Full-page screenshot into test-results/screens/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const file = path.join(SCREENS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface CliTop {
  sampleType: { type: string; unit: string };
  total: number;
  rows: TopRow[];
}

/** `node bin/stacklens.mjs top FILE --sample TYPE --json`, parsed. */
export function cliTop(file: string, sample?: string): CliTop {
  const args = [path.join(repoRoot, 'bin', 'stacklens.mjs'), 'top', file];
  if (sample !== undefined) args.push('--sample', sample);
  args.push('--json');
  const out = execFileSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
  return JSON.parse(out) as CliTop;
}

/** Deterministic pseudo-random bytes (xorshift32) so failures reproduce. */
export function pseudoRandomBytes(n: number, seed = 0x5eed1234): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

export interface LocalServer {
  origin: string;
  port: number;
  /** Request paths in arrival order. */
  hits: string[];
  /** Number of requests whose connection closed before the response finished. */
  aborted: () => number;
  close(): Promise<void>;
}

/** A throwaway HTTP server on 127.0.0.1:<random port> for the ?url= tests. */
export async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<LocalServer> {
  const hits: string[] = [];
  let aborted = 0;
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.on('close', () => {
      if (!res.writableFinished) aborted++;
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    hits,
    aborted: () => aborted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
