// A real `perf script` dump (FlameGraph's corpus) opens as a flame graph of its busiest
// event, with the same numbers the CLI prints; the event picker offers the other events.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { hooks, pickFile, readTopRows, repoRoot, screenshot, waitReady } from './helpers';

const corpus = process.env.STACKLENS_CORPUS ?? path.resolve(repoRoot, '..', 'shared', 'corpus');
const VERTX = path.join(corpus, 'flamegraph', 'test', 'perf-vertx-stacks-01.txt');
const MIXED = path.join(corpus, 'flamegraph', 'test', 'perf-cycles-instructions-01.txt');
if (!existsSync(VERTX)) console.warn(`skipped: corpus not found at ${corpus} — see shared/corpus/README.md`);

function cliTop(file: string) {
  return JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/stacklens.mjs'), 'top', file, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
}

test.skip(!existsSync(VERTX), 'corpus missing');

test('a perf script dump opens with the CLI numbers', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, VERTX);
  await waitReady(page);
  await expect(hooks.frames(page).first()).toBeAttached();
  const rows = await readTopRows(page, 10);
  expect(rows.map((r) => [r.name, r.flat, r.cum])).toEqual(cliTop(VERTX).rows.slice(0, 10).map((r: { name: string; flat: number; cum: number }) => [r.name, r.flat, r.cum]));
  await screenshot(page, 'perf-vertx');
});

test('a dump with several events opens on the busiest and offers the others', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, MIXED);
  await waitReady(page);
  const picker = page.getByTestId('perf-event');
  await expect(picker).toHaveValue('instructions');
  const options = await picker.locator('option').evaluateAll((os) => os.map((o) => o.textContent));
  expect(options.sort()).toEqual(['cycles (111 records)', 'instructions (333 records)']);
});
