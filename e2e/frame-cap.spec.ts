// (9) The flame graph never renders more than 5000 g.frame elements: on the largest
// gallery example, and on a synthetic 6000-frame-deep stack where every frame is as wide
// as the graph (so no minimum-width filter can hide them).
import { statSync } from 'node:fs';
import { expect, test } from './fixtures';
import { EXAMPLES, exampleFile, hooks, openExample, pickFile, waitReady } from './helpers';
import { deepStackProfile } from './pprof-writer';

const MAX_FRAMES = 5000;

test('largest example renders at most 5000 frames', async ({ page }) => {
  const largest = [...EXAMPLES].sort((a, b) => statSync(exampleFile(b)).size - statSync(exampleFile(a)).size)[0];
  await openExample(page, largest);
  await expect(hooks.frames(page).first()).toBeAttached();
  const n = await hooks.frames(page).count();
  test.info().annotations.push({ type: 'frames', description: `${largest}: ${n} g.frame` });
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThanOrEqual(MAX_FRAMES);
});

test('a 6000-deep stack renders at most 5000 frames and stays usable', async ({ page }) => {
  await page.goto('/');
  await pickFile(page, { name: 'deep.pb.gz', mimeType: 'application/gzip', buffer: deepStackProfile(6000) });
  await waitReady(page);
  await expect(hooks.frames(page).first()).toBeAttached();
  const n = await hooks.frames(page).count();
  test.info().annotations.push({ type: 'frames', description: `deep: ${n} g.frame` });
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThanOrEqual(MAX_FRAMES);
  expect(await hooks.topRows(page).count()).toBeGreaterThan(0);
});
