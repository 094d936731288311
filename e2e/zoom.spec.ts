// (3) Zoom: clicking a flame frame updates the breadcrumb and the URL hash; reload
// restores the zoom; back/forward step through it.
import { expect, test } from './fixtures';
import { frameAt, hooks, openExample, readFrames, waitReady } from './helpers';

function shortName(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash >= 0 ? name.slice(slash + 1) : name;
}

test('zoom into a frame, reload, back and forward', async ({ page }) => {
  await openExample(page, 'cpu');
  const crumb = hooks.breadcrumb(page);
  await expect(crumb).toBeAttached();
  await expect(hooks.frames(page).first()).toBeVisible();

  const hash0 = await page.evaluate(() => location.hash);
  const crumb0 = ((await crumb.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  const frames = await readFrames(page);
  expect(frames.length).toBeGreaterThan(1);
  const rootWidth = Math.max(...frames.map((f) => f.width));
  const rootIdx = frames.findIndex((f) => f.width === rootWidth);
  const candidates = frames
    .filter((f) => f.index !== rootIdx && f.width >= 60 && f.name.trim() !== '')
    .sort((a, b) => (a.width < rootWidth * 0.98 ? 0 : 1) - (b.width < rootWidth * 0.98 ? 0 : 1) || b.width - a.width);
  expect(candidates.length, 'a clickable (>= 60 px wide) non-root frame exists').toBeGreaterThan(0);
  const target = candidates[0];

  await frameAt(page, target.index).click();

  await expect.poll(() => page.evaluate(() => location.hash), { message: 'zoom changes the URL hash' }).not.toBe(hash0);
  await expect(crumb).not.toHaveText(crumb0);
  await expect(crumb).toContainText(shortName(target.name));
  // The zoomed frame now spans (nearly) the full width.
  await expect
    .poll(async () => {
      const fs = await readFrames(page);
      const w = Math.max(...fs.map((f) => f.width));
      return fs.some((f) => f.name === target.name && f.width >= w * 0.95);
    })
    .toBe(true);

  const hash1 = await page.evaluate(() => location.hash);
  const crumb1 = ((await crumb.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  await page.reload();
  await waitReady(page);
  await expect.poll(() => page.evaluate(() => location.hash)).toBe(hash1);
  await expect(crumb).toHaveText(crumb1);

  // Back returns to the unzoomed view (the entry left behind was rewritten to name its view
  // explicitly, so its hash may now say what the empty one meant).
  await page.goBack();
  await expect.poll(() => page.evaluate(() => location.hash)).not.toContain('zoom=');
  expect([hash0, '#view=flame&st=cpu']).toContain(await page.evaluate(() => location.hash));
  await waitReady(page);
  await expect(crumb).toHaveText(crumb0);

  await page.goForward();
  await expect.poll(() => page.evaluate(() => location.hash)).toBe(hash1);
  await waitReady(page);
  await expect(crumb).toHaveText(crumb1);
});
