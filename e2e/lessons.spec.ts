// Workshop lessons: a lesson link loads its real artifacts, each step deep-links a view,
// PageDown/PageUp walk the steps (offline: nothing is fetched after the artifacts), the
// panel shows the checklist results the lesson teaches, and large text works.
import { expect, test } from './fixtures';
import { screenshot, waitReady } from './helpers';
import { LESSONS } from '../src/lessons/lessons';

test('map-crash lesson: steps, keyboard, checklist, large text, offline', async ({ page }) => {
  await page.goto('/?lesson=map-crash');
  await waitReady(page);
  const panel = page.getByTestId('lesson');
  await expect(panel).toHaveAttribute('data-step', '1');
  await expect(page.getByTestId('crash-banner')).toBeVisible();
  await expect(panel.locator('[data-rule="concurrent-map-access"]')).toHaveAttribute('data-status', 'fail');
  await screenshot(page, 'lesson-map-crash-1');

  await page.context().setOffline(true);
  await page.keyboard.press('PageDown');
  await expect(panel).toHaveAttribute('data-step', '2');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('view=map');
  await expect(page.getByText('fatal — "concurrent map …" crashes').first()).toBeVisible();
  await page.keyboard.press('PageDown');
  await expect(panel).toHaveAttribute('data-step', '3');
  await expect(page.getByTestId('checklist').locator('[data-rule="concurrent-map-access"]')).toHaveAttribute('data-status', 'fail');
  await page.keyboard.press('PageUp');
  await expect(panel).toHaveAttribute('data-step', '2');
  // Each step is a history entry: back returns to the step shown before (3).
  await page.goBack();
  await expect(panel).toHaveAttribute('data-step', '3');
  await page.context().setOffline(false);

  await page.getByTestId('large-text').check();
  await expect(page.locator('.app')).toHaveClass(/large-text/);
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('big=1');
  await screenshot(page, 'lesson-map-crash-large');
  // The URL reproduces the step (and the lesson) after a reload.
  await page.reload();
  await waitReady(page);
  await expect(panel).toHaveAttribute('data-step', '3');
  await expect(page.getByTestId('checklist')).toBeVisible();
  await expect(page.locator('.app')).toHaveClass(/large-text/);
});

for (const lesson of LESSONS) {
  test(`lesson ${lesson.id}: every step opens and the checklist shows what it teaches`, async ({ page }) => {
    await page.goto(`/?lesson=${lesson.id}`);
    await expect(page.getByTestId('sources').locator('li[data-format]')).toHaveCount(lesson.artifacts.length, { timeout: 60_000 });
    await waitReady(page);
    const panel = page.getByTestId('lesson');
    for (const want of lesson.rules) await expect(panel.locator(`[data-rule="${want.rule}"]`)).toHaveAttribute('data-status', want.status);
    for (let i = 1; i <= lesson.steps.length; i++) {
      if (i > 1) await page.getByTestId('lesson-next').click();
      await expect(panel).toHaveAttribute('data-step', String(i));
      await waitReady(page);
      const view = new URLSearchParams(lesson.steps[i - 1].hash).get('view');
      await expect(page.locator('main')).toHaveAttribute('data-view', view!);
      await screenshot(page, `lesson-${lesson.id}-${i}`);
    }
  });
}

test('an unknown lesson is named in an error; the gallery stays usable', async ({ page }) => {
  await page.goto('/?lesson=no-such-lesson');
  await expect(page.getByTestId('error')).toContainText('There is no lesson "no-such-lesson"; the lessons are: map-crash');
  await expect(page.getByTestId('lessons').locator('a[data-lesson]')).toHaveCount(LESSONS.length);
});
