// A Go goroutine dump (real SIGQUIT output from tools/gen/crashdump) opens as a flame
// graph of all goroutine stacks, with the same numbers the CLI prints.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from './fixtures';
import { hooks, pickFile, readTopRows, repoRoot, screenshot, waitReady } from './helpers';

const DUMP = path.join(repoRoot, 'testdata', 'godump', 'leak-sigquit.txt');

test('a SIGQUIT goroutine dump opens as a goroutine flame graph', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, DUMP);
  await waitReady(page);
  await expect(hooks.frames(page).first()).toBeAttached();
  const cli = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'bin/stacklens.mjs'), 'top', DUMP, '--json'], { cwd: repoRoot, encoding: 'utf8' }));
  const rows = await readTopRows(page, 10);
  expect(rows.map((r) => [r.name, r.flat, r.cum])).toEqual(cli.rows.slice(0, 10).map((r: { name: string; flat: number; cum: number }) => [r.name, r.flat, r.cum]));
  await screenshot(page, 'goroutine-dump');
});
