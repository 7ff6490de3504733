import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';

const SCREENSHOTS = path.join(__dirname, '..', 'screenshots');
const SCREENSHOT = path.join(SCREENSHOTS, 'first-page.png');
const PLAYING_SCREENSHOT = path.join(SCREENSHOTS, 'first-page-playing.png');

/** The simulated clock's text, e.g. `12.345 s`, as seconds. */
async function clockSeconds(page: Page): Promise<number> {
  const text = (await page.getByRole('timer', { name: 'Simulated time' }).textContent()) ?? '';
  const match = /^\s*(\d+\.\d{3}) s\s*$/.exec(text);
  expect(match, `clock text ${JSON.stringify(text)}`).not.toBeNull();
  return Number(match![1]);
}

test('the first page draws the cluster and the clock runs with Play and stops with Pause', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });

  await page.goto('/');
  await expect(page).toHaveTitle('Kafka Playground');
  await expect(page.getByRole('heading', { name: 'Kafka Playground' })).toBeVisible();

  // The seed's cluster: one ZooKeeper and three brokers, each an accessible region.
  await expect(page.getByRole('region', { name: 'ZooKeeper', exact: true })).toBeVisible();
  for (const n of [1, 2, 3]) {
    await expect(page.getByRole('region', { name: `Broker ${n}`, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('region', { name: /^Broker \d+$/ })).toHaveCount(3);

  // Controls have accessible names.
  const speed = page.getByRole('slider', { name: 'Speed' });
  await expect(speed).toBeVisible();
  await expect(speed).toHaveAttribute('aria-valuetext', '1×');
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toHaveCount(0);

  const start = await clockSeconds(page);
  expect(start).toBe(0);

  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(() => clockSeconds(page), { timeout: 10_000 }).toBeGreaterThan(start + 0.2);

  // Faster: the slider is log-scale in 1-2-5 steps; three steps right of 1× is 10×.
  await speed.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect(speed).toHaveAttribute('aria-valuetext', '10×');
  await expect(page.getByText('10×', { exact: true })).toBeVisible();
  // Let the cluster get going (sessions, controller election) before the screenshot.
  await expect.poll(() => clockSeconds(page), { timeout: 10_000 }).toBeGreaterThan(3);

  // While playing, messages in flight are drawn along their links.
  await page.screenshot({ path: PLAYING_SCREENSHOT, fullPage: true });

  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  const stopped = await clockSeconds(page);
  await page.waitForTimeout(400);
  expect(await clockSeconds(page)).toBe(stopped);
  expect(stopped).toBeGreaterThan(start);

  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(errors, errors.join('\n')).toEqual([]);
});
