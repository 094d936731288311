// (4) Search: the term goes into the URL hash, the app reports how much matched, and
// invalid regular expressions typed key by key never throw.
import { expect, test } from './fixtures';
import { decodedHash, hooks, openExample, readTopRows, waitReady } from './helpers';

/** A plain identifier taken from the hottest function, e.g. "cpuHog" from "main.cpuHog". */
async function pickTerm(page: import('@playwright/test').Page): Promise<string> {
  const rows = await readTopRows(page, 20);
  for (const r of rows) {
    const parts = r.name.split(/[^A-Za-z0-9_]+/).filter((p) => p.length >= 4);
    if (parts.length > 0) return parts[parts.length - 1];
  }
  return 'main';
}

test('search highlights matches and lives in the hash', async ({ page }) => {
  await openExample(page, 'cpu');
  const term = await pickTerm(page);
  const search = hooks.search(page);
  await search.fill(term);
  await expect.poll(() => decodedHash(page), { message: 'search term in the URL hash' }).toContain(term);
  const summary = hooks.searchSummary(page);
  await expect(summary).toBeVisible();
  await expect(summary).toHaveText(/\d+(\.\d+)?\s*%/);

  await page.reload();
  await waitReady(page);
  await expect(search).toHaveValue(term);
  await expect(summary).toHaveText(/\d+(\.\d+)?\s*%/);

  await search.fill('');
  await expect.poll(() => decodedHash(page)).not.toContain(term);
});

// Plain-text mode, and regex mode (rx=1 in the hash: the app's URL format, src/state/url.ts).
for (const [mode, hash] of [
  ['plain', ''],
  ['regex', '#rx=1'],
] as const) {
  test(`invalid regular expressions never throw (${mode} search)`, async ({ page }) => {
    await page.goto(`/?example=cpu${hash}`);
    await waitReady(page);
    const search = hooks.search(page);
    for (const term of ['fn_1(', '[unknown', '*', '(?<', '\\', 'a{2,1}', '+++', ')(']) {
      await search.fill('');
      // Key by key, so every prefix ("[", "[u", ...) goes through the search code.
      await search.pressSequentially(term, { delay: 10 });
      await expect(search).toHaveValue(term);
      await page.waitForTimeout(150);
    }
    // Still alive: the graph and table are there and a valid search still works.
    await expect(hooks.status(page)).toHaveAttribute('data-state', 'ready');
    expect(await hooks.frames(page).count()).toBeGreaterThan(0);
    expect(await hooks.topRows(page).count()).toBeGreaterThan(0);
    await search.fill('main');
    await expect(hooks.searchSummary(page)).toHaveText(/\d+(\.\d+)?\s*%/);
    // pageerror / worker errors are failed by the guard fixture.
  });
}
