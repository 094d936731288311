// (5) A bad file after a good one: the app says what went wrong (with a byte offset or
// what it expected), load-status is "error", and the previous profile stays on screen.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import type { FilePayload } from './helpers';
import { exampleFile, expectState, hooks, openExample, pickFile, pseudoRandomBytes, readTopRows, screenshot, waitReady } from './helpers';

const cpuBytes = () => readFileSync(exampleFile('cpu'));

const BAD_FILES: Array<{ label: string; file: () => FilePayload }> = [
  {
    label: '200 random bytes',
    file: () => {
      const b = pseudoRandomBytes(200);
      b[0] = 0x42; // never a gzip magic by accident
      return { name: 'random.pb.gz', mimeType: 'application/octet-stream', buffer: b };
    },
  },
  {
    label: 'truncated gzip (first 100 bytes of cpu.pb.gz)',
    file: () => ({ name: 'truncated.pb.gz', mimeType: 'application/gzip', buffer: cpuBytes().subarray(0, 100) }),
  },
  {
    label: 'empty file',
    file: () => ({ name: 'empty.pb.gz', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) }),
  },
];

for (const [i, bad] of BAD_FILES.entries()) {
  test(`bad file keeps the previous profile: ${bad.label}`, async ({ page }) => {
    await openExample(page, 'cpu');
    const before = await readTopRows(page);
    expect(before.length).toBeGreaterThan(0);

    await pickFile(page, bad.file());
    await expectState(page, 'error');
    const err = hooks.error(page);
    await expect(err).toBeVisible();
    await expect(err).toHaveText(/byte offset|offset \d+|expected/i);

    // The previous profile is still shown.
    expect(await readTopRows(page)).toEqual(before);
    expect(await hooks.frames(page).count()).toBeGreaterThan(0);
    await screenshot(page, `bad-file-${i + 1}`);

    // And a good file still loads afterwards.
    await pickFile(page, exampleFile('heap'));
    await waitReady(page);
    await expect(err).toBeHidden();
  });
}
