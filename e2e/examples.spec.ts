// (1) Every gallery example opens via ?example=NAME and via the file picker: the load
// reaches "ready", the flame graph has frames and the top table has rows.
import { existsSync } from 'node:fs';
import { expect, test } from './fixtures';
import { EXAMPLES, exampleFile, expectState, hooks, pickFile, readTopRows, screenshot, waitReady } from './helpers';

async function expectProfileShown(page: import('@playwright/test').Page): Promise<void> {
  await expect(hooks.frames(page).first()).toBeAttached();
  expect(await hooks.frames(page).count()).toBeGreaterThan(0);
  await expect(hooks.topRows(page).first()).toBeVisible();
  const rows = await readTopRows(page, 20);
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(r.name, 'every top row names a function').not.toBe('');
    expect(Number.isFinite(r.flat) && Number.isFinite(r.cum), `numeric data-flat/data-cum on ${r.name}`).toBe(true);
    expect(Math.abs(r.cum)).toBeGreaterThanOrEqual(Math.abs(r.flat));
  }
  // The sample-type select lists at least the type being shown.
  expect(await hooks.sampleType(page).locator('option').count()).toBeGreaterThan(0);
  await expect(hooks.error(page)).toBeHidden();
}

test.describe('gallery examples', () => {
  for (const name of EXAMPLES) {
    test(`?example=${name} loads`, async ({ page }) => {
      expect(existsSync(exampleFile(name)), `${exampleFile(name)} exists`).toBe(true);
      await page.goto(`/?example=${name}`);
      await waitReady(page);
      await expectProfileShown(page);
      await screenshot(page, `examples-url-${name}`);
    });

    test(`${name}.pb.gz loads through the file picker`, async ({ page }) => {
      await page.goto('/');
      await expectState(page, 'idle', 20_000);
      await pickFile(page, exampleFile(name));
      await waitReady(page);
      await expectProfileShown(page);
      await screenshot(page, `examples-picker-${name}`);
    });
  }

  test('sample types of the cpu example are offered', async ({ page }) => {
    await page.goto('/?example=cpu');
    await waitReady(page);
    const values = await hooks.sampleType(page).locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(values).toEqual(expect.arrayContaining(['samples', 'cpu']));
  });
});
