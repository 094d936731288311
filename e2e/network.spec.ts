// (7) Network hygiene. The guard fixture already fails any test whose page talks to a
// foreign origin or trips the CSP; these tests cover the deliberate exception (?url=
// loading from a server the test runs itself), CORS refusal, and the CSP header.
import { readFileSync } from 'node:fs';
import { APP_ORIGIN, expect, test } from './fixtures';
import { exampleFile, expectState, hooks, readTopRows, startServer, waitReady } from './helpers';
import type { LocalServer } from './helpers';

const cpu = readFileSync(exampleFile('cpu'));

function serveCpu(cors: boolean): Promise<LocalServer> {
  return startServer((req, res) => {
    if (req.url !== '/cpu.pb.gz') {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(cpu.length) };
    if (cors) headers['Access-Control-Allow-Origin'] = '*';
    res.writeHead(200, headers).end(cpu);
  });
}

test('?url= loads a profile from a CORS-enabled server', async ({ page, guard }) => {
  const server = await serveCpu(true);
  try {
    guard.allowOrigin(server.origin);
    await page.goto(`/?url=${encodeURIComponent(`${server.origin}/cpu.pb.gz`)}`);
    await waitReady(page);
    expect((await readTopRows(page)).length).toBeGreaterThan(0);
    expect(await hooks.frames(page).count()).toBeGreaterThan(0);
    expect(server.hits).toContain('/cpu.pb.gz');
  } finally {
    await server.close();
  }
});

test('?url= without CORS headers shows a CORS error', async ({ page, guard }) => {
  const server = await serveCpu(false);
  try {
    guard.allowOrigin(server.origin);
    await page.goto(`/?url=${encodeURIComponent(`${server.origin}/cpu.pb.gz`)}`);
    await expectState(page, 'error');
    await expect(hooks.error(page)).toBeVisible();
    await expect(hooks.error(page)).toHaveText(/CORS|cross-origin|Access-Control-Allow-Origin|refus/i);
    expect(server.hits).toContain('/cpu.pb.gz');
  } finally {
    await server.close();
  }
});

test('the app is served with a strict Content-Security-Policy', async ({ page }) => {
  const res = await page.goto('/');
  expect(res, 'navigation response').not.toBeNull();
  const csp = res!.headers()['content-security-policy'];
  expect(csp, 'Content-Security-Policy header on /').toBeTruthy();
  const directives = new Map(
    csp!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map((d) => [d[0].toLowerCase(), d.slice(1)] as const),
  );
  const script = directives.get('script-src') ?? directives.get('default-src');
  expect(script, 'script-src or default-src').toBeDefined();
  expect(script).not.toContain("'unsafe-inline'");
  expect(script).not.toContain("'unsafe-eval'");
  expect(script).not.toContain('*');
});

test('guard self-check: a CSP violation is detected', async ({ page, guard }) => {
  await page.goto('/');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = 1';
    document.body.append(s);
  });
  await expect.poll(() => guard.cspViolations.length, { message: 'securitypolicyviolation reached the test' }).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { __inlineRan?: number }).__inlineRan)).toBeUndefined();
  guard.reset(); // provoked on purpose
});

test('examples load without any request leaving the app origin', async ({ page, guard }) => {
  for (const name of ['cpu', 'heap']) {
    await page.goto(`/?example=${name}`);
    await waitReady(page);
  }
  const origins = new Set(guard.requests.filter((u) => /^https?:/.test(u)).map((u) => new URL(u).origin));
  expect([...origins].sort()).toEqual([APP_ORIGIN]);
});
