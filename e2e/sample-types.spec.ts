// (2) Switching the heap example through every sample type updates the top table, and
// the table equals the CLI's `top --json` for that sample type (same analysis code, so
// names and raw numbers must match exactly).
import { expect, test } from './fixtures';
import { cliTop, exampleFile, hooks, openExample, readTopRows, screenshot } from './helpers';

const ROWS = 10;

test('heap: every sample type matches `stacklens top --json`', async ({ page }) => {
  const file = exampleFile('heap');
  await openExample(page, 'heap');
  const select = hooks.sampleType(page);
  const values = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(values.length, 'heap profiles have several sample types').toBeGreaterThanOrEqual(2);
  expect(values).toEqual(expect.arrayContaining(['alloc_space', 'inuse_space']));

  const firstFlat = new Map<string, number>();
  // Visit each type, then the first again, so every switch is from a different type.
  for (const value of [...values.slice(1), values[0]]) {
    const cli = cliTop(file, value);
    expect(cli.sampleType.type).toBe(value);
    const expected = cli.rows.slice(0, ROWS).map((r) => ({ name: r.name, flat: r.flat, cum: r.cum }));
    expect(expected.length).toBeGreaterThan(0);

    await select.selectOption(value);
    await expect(select).toHaveValue(value);
    await expect.poll(() => readTopRows(page, ROWS), { message: `top table for sample type ${value}` }).toEqual(expected);
    firstFlat.set(value, expected[0].flat);
  }
  expect(new Set(firstFlat.values()).size, `first-row flat differs between sample types: ${JSON.stringify([...firstFlat])}`).toBeGreaterThan(1);
  await screenshot(page, 'sample-types-heap');
});

test('sample type survives a reload (it lives in the URL hash)', async ({ page }) => {
  await openExample(page, 'heap');
  const select = hooks.sampleType(page);
  const values = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const current = await select.inputValue();
  const other = values.find((v) => v !== current);
  expect(other).toBeDefined();
  await select.selectOption(other!);
  await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toContain(other!);
  const rows = cliTop(exampleFile('heap'), other!).rows.slice(0, ROWS).map((r) => ({ name: r.name, flat: r.flat, cum: r.cum }));
  await expect.poll(() => readTopRows(page, ROWS)).toEqual(rows);
  await page.reload();
  await expect(hooks.status(page)).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(select).toHaveValue(other!);
  await expect.poll(() => readTopRows(page, ROWS)).toEqual(rows);
});
