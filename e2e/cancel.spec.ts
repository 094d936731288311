// (8) Cancel: a [data-testid=cancel] button is offered while a load runs; cancelling ends
// in an error/cancelled (not ready) state and the page stays usable.
import { gzipSync } from 'node:zlib';
import { expect, test } from './fixtures';
import { exampleFile, hooks, loadState, pickFile, startServer, waitReady } from './helpers';

test('cancel a stalled ?url= download', async ({ page, guard }) => {
  // Sends the headers and a few bytes of gzip, then never finishes.
  const server = await startServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Access-Control-Allow-Origin': '*', 'Content-Length': String(50_000_000) });
    res.write(Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
  });
  try {
    guard.allowOrigin(server.origin);
    await page.goto(`/?url=${encodeURIComponent(`${server.origin}/stall.pb.gz`)}`);
    await expect(hooks.status(page)).toHaveAttribute('data-state', 'loading');
    const cancel = hooks.cancel(page);
    await expect(cancel).toBeVisible();
    await cancel.click();
    await expect(hooks.status(page)).toHaveAttribute('data-state', /^(error|idle)$/);
    await expect(cancel).toBeHidden();
    // The download itself was aborted, not just hidden.
    await expect.poll(() => server.aborted(), { message: 'the stalled response was aborted by the browser' }).toBeGreaterThan(0);

    await pickFile(page, exampleFile('cpu'));
    await waitReady(page);
    expect(await hooks.topRows(page).count()).toBeGreaterThan(0);
  } finally {
    await server.close();
  }
});

test('cancel while inflating a large synthetic gzip (150 MB of zeros)', async ({ page }, testInfo) => {
  const big = gzipSync(Buffer.alloc(150 * 1024 * 1024), { level: 1 });
  await page.goto('/');
  await pickFile(page, { name: 'zeros.pb.gz', mimeType: 'application/gzip', buffer: big });

  // The load may be fast on a quick machine: click cancel if we catch it loading.
  const cancel = hooks.cancel(page);
  let clicked = false;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const state = await loadState(page);
    if (state !== 'loading' && state !== 'idle') break;
    if (state === 'loading' && (await cancel.isVisible())) {
      clicked = await cancel.click({ timeout: 2_000 }).then(
        () => true,
        () => false,
      );
      if (clicked) break;
    }
    await page.waitForTimeout(20);
  }
  testInfo.annotations.push({ type: 'cancel', description: clicked ? 'clicked cancel while loading' : 'load ended before cancel could be clicked' });
  // 150 MB of zeros is not a profile either way: cancelled or rejected, never "ready".
  await expect(hooks.status(page)).toHaveAttribute('data-state', /^(error|idle)$/, { timeout: 60_000 });
  await expect(cancel).toBeHidden();

  await page.goto('/?example=cpu');
  await waitReady(page);
  expect(await hooks.topRows(page).count()).toBeGreaterThan(0);
});
