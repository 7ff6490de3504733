import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';

// The page's shell, as a learner uses it: Play, Step and Step back, Share and reload, the language
// switch, a bad link, and a panic. Each test starts with a fresh browser context (empty localStorage).

const SCREENSHOTS = path.join(__dirname, '..', 'screenshots');
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `shell-${name}.png`), fullPage: true });

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

/** The simulated clock, in seconds. */
async function clockSeconds(page: Page): Promise<number> {
  const text = (await page.getByRole('timer').textContent()) ?? '';
  const match = /^\s*(\d+\.\d{3}) s\s*$/.exec(text);
  expect(match, `clock text ${JSON.stringify(text)}`).not.toBeNull();
  return Number(match![1]);
}

const traceHash = async (page: Page) => ((await page.locator('.about .trace-hash').textContent()) ?? '').trim();
const stepsDone = async (page: Page) =>
  Number(((await page.locator('.about .about-steps').textContent()) ?? '').replace(/,/g, ''));

/** Collects page errors and console errors; `allow` matches the ones a test expects. */
function watchErrors(page: Page, allow: RegExp[] = []): string[] {
  const errors: string[] = [];
  const keep = (text: string) => {
    if (!allow.some((re) => re.test(text))) errors.push(text);
  };
  page.on('pageerror', (err) => keep(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') keep(msg.text());
  });
  return errors;
}

test('Play runs the clock; Step and Step back move by one event and back', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kafka Playground' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('seed-reserve');
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('42');
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveAttribute('max', '60000');
  await expect(page.getByRole('button', { name: 'Step back', exact: true })).toBeDisabled();

  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(() => clockSeconds(page)).toBeGreaterThan(1.2);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const paused = await clockSeconds(page);
  const before = { steps: await stepsDone(page), hash: await traceHash(page) };

  // Step: one event further, by the keyboard.
  await page.getByRole('button', { name: 'Step', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => stepsDone(page)).toBe(before.steps + 1);
  expect(await clockSeconds(page)).toBeGreaterThanOrEqual(paused);
  const after = await traceHash(page);
  expect(after).not.toBe(before.hash);
  await shot(page, 'stepped');

  // Step back: exactly where we were.
  await page.getByRole('button', { name: 'Step back', exact: true }).click();
  await expect.poll(() => stepsDone(page)).toBe(before.steps);
  expect(await traceHash(page)).toBe(before.hash);
  // And Step again reaches the same state: the run is deterministic.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => traceHash(page)).toBe(after);

  // The timeline seeks: back to 0.5 s with the keyboard (Home, then 5 steps of 100 ms).
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  await timeline.focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => clockSeconds(page)).toBe(0.5);
  expect(errors, errors.join('\n')).toEqual([]);
});

test('Share copies a permalink; opening it gives the same trace hash', async ({ page, context }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  // Faster, run a little, pause, act (a crash), step a few events.
  const speed = page.getByRole('slider', { name: 'Speed' });
  await speed.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect(speed).toHaveAttribute('aria-valuetext', '10×');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(() => clockSeconds(page)).toBeGreaterThan(3);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step', exact: true }).click();
  const hash = await traceHash(page);
  const clock = await clockSeconds(page);

  await page.getByRole('button', { name: 'Share' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
  const copied: string = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(/#p=k1\./);
  await shot(page, 'shared');

  // A new tab (an empty localStorage would be a new context; the URL alone must be enough).
  const fresh = await context.browser()!.newContext();
  const other = await fresh.newPage();
  await other.goto(copied);
  await expect.poll(() => traceHash(other)).toBe(hash);
  expect(await clockSeconds(other)).toBe(clock);
  await fresh.close();

  // And a plain reload of this page restores the session from storage and the URL.
  await page.goto('/');
  await expect.poll(() => traceHash(page)).toBe(hash);
  expect(errors, errors.join('\n')).toEqual([]);
});

test('the language switch shows Korean and survives a reload', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: '한국어' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page.getByRole('heading', { name: 'Kafka 플레이그라운드' })).toBeVisible();
  await expect(page.getByRole('button', { name: '재생', exact: true })).toBeVisible();
  await expect(page.getByRole('slider', { name: '속도' })).toBeVisible();
  await expect(page.getByRole('button', { name: '한국어' })).toHaveAttribute('aria-pressed', 'true');
  await shot(page, 'korean');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page.getByRole('button', { name: '재생', exact: true })).toBeVisible();
  await expect(page).toHaveTitle('Kafka 플레이그라운드');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  expect(errors, errors.join('\n')).toEqual([]);
});

test('a bad permalink says so, shows the default scenario and keeps the last session', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepsDone(page)).toBe(4);
  const hash = await traceHash(page);

  // (Through about:blank: a change of the fragment alone would not load the page again.)
  await page.goto('about:blank');
  await page.goto('/#p=k1.this-is-not-a-permalink');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('This link cannot be opened.');
  await expect(alert).toContainText('Your last session is kept.');
  expect(await clockSeconds(page)).toBe(0);
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('seed-reserve');
  await shot(page, 'bad-link');
  await alert.getByRole('button', { name: 'Open my last session' }).click();
  await expect.poll(() => traceHash(page)).toBe(hash);
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(errors, errors.join('\n')).toEqual([]);
});

test('a panic shows a banner whose Reload restores the saved session', async ({ page }) => {
  const errors = watchErrors(page, [/test panic/, /unreachable/i, /RuntimeError/]);
  await page.goto('/');
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => stepsDone(page)).toBe(3);
  const hash = await traceHash(page);
  await expect(page.locator('#panic-banner')).toBeHidden();
  await page.evaluate(() => {
    try {
      (window as unknown as { wasmBindings: { playground_test_panic: () => void } }).wasmBindings.playground_test_panic();
    } catch {
      // The panic aborts the call; the banner is what matters.
    }
  });
  const banner = page.locator('#panic-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Something went wrong in the playground.');
  await shot(page, 'panic');
  await banner.getByRole('button', { name: 'Reload' }).click();
  await expect.poll(() => traceHash(page)).toBe(hash);
  await expect(page.locator('#panic-banner')).toBeHidden();
  expect(errors, errors.join('\n')).toEqual([]);
});

test('load figure: from navigation to an interactive page', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled();
  // performance.now() counts from the navigation's start.
  const ms = await page.evaluate(() => performance.now());
  const wasm = await page.evaluate(
    () =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.endsWith('.wasm'))
        .map((e) => (e as PerformanceResourceTiming).encodedBodySize)[0] ?? 0,
  );
  console.log(`load: interactive after ${ms.toFixed(0)} ms (wasm transfer ${wasm} bytes)`);
  // Issue 5's target is 1 s on localhost; the bound here is loose because the test machine is shared.
  expect(ms).toBeLessThan(5_000);
});

test('a permalink far into the run is reached over frames, to the same trace hash', async ({ page, browser }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  // Seek to 12 s with the keyboard: Home, then two PageUps of a tenth of the 60 s timeline.
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  await timeline.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('PageUp');
  await page.keyboard.press('PageUp');
  await expect.poll(() => clockSeconds(page), { timeout: 30_000 }).toBe(12);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  const hash = await traceHash(page);
  await page.getByRole('button', { name: 'Share' }).click();
  const copied: string = await page.evaluate(() => navigator.clipboard.readText());

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(copied);
  await expect(other.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await expect.poll(() => traceHash(other), { timeout: 30_000 }).toBe(hash);
  await shot(other, 'resumed');
  await fresh.close();
  expect(errors, errors.join('\n')).toEqual([]);
});
