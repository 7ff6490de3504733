import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';

// Issue 5's learner tests: what a learner does with the playground and what the page must show.
// (1 is in first-page.spec.ts; 6 rewind/share and 8 Korean are in shell.spec.ts.) Each test starts with
// a fresh browser context (empty localStorage) and reads simulated time from the header's clock.

const SCREENSHOTS = path.join(__dirname, '..', 'screenshots');
const shot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `learner-${name}.png`), fullPage });

/** The simulated clock, in seconds. */
async function clockSeconds(page: Page): Promise<number> {
  const text = (await page.getByRole('timer', { name: 'Simulated time' }).textContent()) ?? '';
  const match = /^\s*(\d+\.\d{3}) s\s*$/.exec(text);
  expect(match, `clock text ${JSON.stringify(text)}`).not.toBeNull();
  return Number(match![1]);
}

/** Collects page errors and console errors. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return errors;
}

/** Moves the speed slider by the keyboard from 1× to `label` (e.g. "100×"). */
async function setSpeed(page: Page, presses: number, label: string) {
  const speed = page.getByRole('slider', { name: 'Speed', exact: true });
  await speed.focus();
  for (let i = 0; i < presses; i++) await page.keyboard.press('ArrowRight');
  await expect(speed).toHaveAttribute('aria-valuetext', label);
}

/** Plays until the clock reaches `seconds`, then pauses; returns the clock. */
async function playUntil(page: Page, seconds: number): Promise<number> {
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect
    .poll(() => clockSeconds(page), { timeout: 20_000, intervals: [50] })
    .toBeGreaterThanOrEqual(seconds);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  return clockSeconds(page);
}

/**
 * Drags the timeline to `seconds` (as releasing its thumb there does: a `change` event), and waits for
 * the clock to get there. Forward, the simulation runs up to exactly that time.
 */
async function seekTo(page: Page, seconds: number) {
  const ms = Math.round(seconds * 10) * 100;
  await page.getByRole('slider', { name: 'Timeline', exact: true }).evaluate((el, v) => {
    (el as HTMLInputElement).value = String(v);
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, ms);
  await expect.poll(() => clockSeconds(page), { timeout: 20_000 }).toBe(ms / 1000);
}

/** The leader of `topic`-`partition` as the topic table's Leader column shows it. */
async function leaderOf(page: Page, topic: string, partition: number): Promise<number> {
  const rows = page.getByRole('region', { name: 'Topic', exact: true }).locator('tbody tr');
  const cells = await rows.evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())),
  );
  // Columns: Topic, Partition (a row header), Leader, ...
  const row = cells.find((c) => c[0] === topic && c[1] === String(partition));
  expect(row, JSON.stringify(cells)).toBeDefined();
  expect(row![2]).toMatch(/^\d+$/);
  return Number(row![2]);
}

/** Clicks broker `id` in the cluster picture and chooses "Crash broker N". */
async function crashBroker(page: Page, id: number) {
  await page.getByRole('region', { name: `Broker ${id}`, exact: true }).click();
  await page.getByRole('button', { name: `Crash broker ${id}`, exact: true }).click();
}

/** The Anomalies tab's "Lost acknowledged write" section and the count it shows. */
async function lostAcked(page: Page): Promise<{ count: number; section: ReturnType<Page['locator']> }> {
  const section = page.getByRole('region', { name: /Lost acknowledged write lost-write/ });
  await expect(section).toBeVisible();
  const text = (await section.locator('.anomaly-count').textContent()) ?? '';
  const m = /([\d,]+) records?/.exec(text);
  expect(m, `count text ${JSON.stringify(text)}`).not.toBeNull();
  return { count: Number(m![1].replace(/,/g, '')), section };
}

test('acks=1: a leader crash loses acknowledged records, each explained', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  // The scenario where the followers lag (slow links from 10 s), so the crash loses records.
  await page.getByRole('combobox', { name: 'Scenario', exact: true }).selectOption('acks1-leader-crash');
  await expect.poll(() => clockSeconds(page)).toBe(0);
  const acks = page.getByRole('combobox', { name: 'acks', exact: true });
  await expect(acks).toHaveValue('1');
  // Go to just past the slow links (the timeline), then crash the leader of t-0 by hand.
  await seekTo(page, 12);
  const leader = await leaderOf(page, 't', 0);
  await crashBroker(page, leader);
  await expect(page.getByRole('region', { name: `Broker ${leader}`, exact: true })).toContainText("Crashed");
  const crashedAt = await clockSeconds(page);
  // Kafka's controller moves the leader once the crashed broker's ZooKeeper session (18 s) expires.
  await seekTo(page, crashedAt + 20);
  await expect.poll(() => leaderOf(page, 't', 0)).not.toBe(leader);

  await page.getByRole('tab', { name: 'Anomalies', exact: true }).click();
  const { count, section } = await lostAcked(page);
  expect(count).toBeGreaterThan(0);
  const explanations = section.locator('tr.finding td.explanation');
  await expect(explanations.first()).toBeVisible();
  const shown = await explanations.count();
  expect(shown).toBeGreaterThan(0);
  for (let i = 0; i < shown; i++) expect(((await explanations.nth(i).textContent()) ?? '').trim()).not.toBe('');
  // The page is long (hundreds of findings): the viewport, from the tab strip down.
  await page.getByRole('tab', { name: 'Anomalies', exact: true }).evaluate((el) => el.scrollIntoView());
  await shot(page, 'acks1-lost', false);
  expect(errors, errors.join('\n')).toEqual([]);
});

test('acks=all with min.insync.replicas=2: the same crash loses nothing', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Scenario', exact: true }).selectOption('acks1-leader-crash');
  await expect.poll(() => clockSeconds(page)).toBe(0);
  await page.getByRole('combobox', { name: 'acks', exact: true }).selectOption('all');
  await expect(page.getByRole('combobox', { name: 'acks', exact: true })).toHaveValue('all');
  const isr = page.getByRole('textbox', { name: 'min.insync.replicas', exact: true });
  await isr.fill('2');
  await isr.press('Enter');
  await expect(isr).toHaveValue('2');
  await expect(page.getByRole('alert')).toHaveCount(0);

  await seekTo(page, 12);
  const leader = await leaderOf(page, 't', 0);
  await crashBroker(page, leader);
  const crashedAt = await clockSeconds(page);
  await seekTo(page, crashedAt + 20);
  await expect.poll(() => leaderOf(page, 't', 0)).not.toBe(leader);

  await page.getByRole('tab', { name: 'Anomalies', exact: true }).click();
  const { count, section } = await lostAcked(page);
  expect(count).toBe(0);
  await expect(section.locator('tr.finding')).toHaveCount(0);
  await shot(page, 'acks-all-nothing-lost');
  expect(errors, errors.join('\n')).toEqual([]);
});

/** One event-log row: its simulated time in seconds and its text. */
type LogRow = { at: number; text: string };

/**
 * Shows only the event kinds named in `keep` (the filter's checkboxes), then reads every row of the
 * (windowed) event log by scrolling its viewport from top to bottom. Call it while paused.
 */
async function readLog(page: Page, keep: string[]): Promise<LogRow[]> {
  await page.getByRole('tab', { name: 'Event log', exact: true }).click();
  const boxes = page.locator('.event-filter input[type=checkbox]');
  const n = await boxes.count();
  for (let i = 0; i < n; i++) {
    const box = boxes.nth(i);
    const name = ((await page.locator('.event-filter .kind-name').nth(i).textContent()) ?? '').trim();
    await box.setChecked(keep.includes(name));
  }
  const viewport = page.locator('.event-viewport');
  const rows = new Map<number, LogRow>();
  const height = await viewport.evaluate((el) => el.scrollHeight);
  for (let top = 0; ; top += 200) {
    await viewport.evaluate((el, t) => {
      el.scrollTop = t;
      el.dispatchEvent(new Event('scroll'));
    }, top);
    await page.waitForTimeout(30);
    const seen = await page.locator('.event-row').evaluateAll((els) =>
      els.map((e) => [
        Number(e.getAttribute('aria-posinset')),
        e.querySelector('.event-time')?.textContent ?? '',
        e.querySelector('.event-text')?.textContent ?? '',
      ]),
    );
    for (const [pos, time, text] of seen as [number, string, string][]) {
      rows.set(pos, { at: Number(time.replace(/\s*s$/, '')), text });
    }
    if (top >= height) break;
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

/** Sets option `name` (a text field) to `value` with Enter. */
async function setOption(page: Page, scope: ReturnType<Page['locator']>, name: string, value: string) {
  const field = scope.getByRole('textbox', { name, exact: true });
  await field.fill(value);
  await field.press('Enter');
}

test('a slow consumer overruns max.poll.interval.ms: poll timeout, then a rebalance', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  const group = page.getByRole('region', { name: 'Consumer group data-platform-group', exact: true });
  await setOption(page, group, 'max.poll.interval.ms', '3000');
  await expect(group.getByRole('textbox', { name: 'max.poll.interval.ms', exact: true })).toHaveValue('3000');
  await setOption(page, group, 'Processing time per record', '100');
  await expect(group.getByRole('alert')).toHaveCount(0);

  await setSpeed(page, 2, '5×');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  // A member's poll bar runs past its limit...
  const overrun = group.locator('.poll-bar.poll-overrun').first();
  // An overrun lasts about a simulated second (until the batch is processed): at 5x that is 200 ms
  // of wall time, shorter than a round trip of Playwright's own polling and clicking. So the page
  // itself presses Pause in the same task that first draws an overrun.
  await page.waitForFunction(
    () => {
      const bar = document.querySelector('.poll-bar.poll-overrun');
      if (!bar) return false;
      (document.querySelector('.controls button.pause') as HTMLButtonElement | null)?.click();
      return true;
    },
    undefined,
    { timeout: 20_000, polling: 'raf' },
  );
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await expect(overrun).toBeVisible();
  await expect(overrun).toContainText('Poll overrun');
  await expect(overrun).toContainText('past max.poll.interval.ms (3.0 s)');
  await overrun.scrollIntoViewIfNeeded();
  await shot(page, 'slow-consumer-overrun');

  // ...and the log says why the member leaves and that the group rebalances.
  const overranAt = await clockSeconds(page);
  await playUntil(page, overranAt + 2);
  const log = await readLog(page, ['Group members', 'Groups and rebalances']);
  const timeout = log.find((r) => /did not call poll\(\) within max\.poll\.interval\.ms \(3 s\)/.test(r.text));
  expect(timeout, log.map((r) => `${r.at} ${r.text}`).join('\n')).toBeDefined();
  const rebalance = log.find((r) => /started rebalancing/.test(r.text) && r.at >= timeout!.at);
  expect(rebalance, log.map((r) => `${r.at} ${r.text}`).join('\n')).toBeDefined();
  await shot(page, 'slow-consumer-log');
  expect(errors, errors.join('\n')).toEqual([]);
});

test('a crashed member is removed only after session.timeout.ms of simulated time', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  const group = page.getByRole('region', { name: 'Consumer group data-platform-group', exact: true });
  const session = Number(await group.getByRole('textbox', { name: 'session.timeout.ms', exact: true }).inputValue());
  const heartbeat = Number(
    await group.getByRole('textbox', { name: 'heartbeat.interval.ms', exact: true }).inputValue(),
  );
  expect(session).toBe(45_000); // Kafka 3.7's default
  expect(heartbeat).toBe(10_000); // the seed's application.yml

  // Let the group settle, then crash member 1.
  await setSpeed(page, 3, '10×');
  await playUntil(page, 3);
  await group.getByRole('button', { name: 'Crash member 1', exact: true }).click();
  const crashedAt = await clockSeconds(page);
  await setSpeed(page, 3, '100×');
  await playUntil(page, crashedAt + session / 1000 + 2);

  const log = await readLog(page, ['Group members', 'Groups and rebalances']);
  const dump = log.map((r) => `${r.at} ${r.text}`).join('\n');
  const removed = log.find((r) => r.at > crashedAt && /no heartbeat within its session of 45 s/.test(r.text));
  expect(removed, dump).toBeDefined();
  const rebalance = log.find((r) => r.at >= removed!.at && /missed its session timeout/.test(r.text));
  expect(rebalance, dump).toBeDefined();
  // Nothing rebalanced in between: the coordinator waited for the session to run out. Its last
  // heartbeat came at most one heartbeat interval before the crash.
  expect(log.filter((r) => r.at > crashedAt && r.at < removed!.at && /rebalancing/.test(r.text)), dump).toEqual([]);
  expect(removed!.at).toBeGreaterThanOrEqual(crashedAt + (session - heartbeat) / 1000);
  expect(removed!.at).toBeLessThanOrEqual(crashedAt + session / 1000 + 0.5);
  await shot(page, 'member-crash-session-timeout');
  expect(errors, errors.join('\n')).toEqual([]);
});

test('an invalid linger.ms shows Kafka\'s message and nothing breaks', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  const producer = page.getByRole('region', { name: 'Producer reservation-service → reserve', exact: true });
  await setOption(page, producer, 'linger.ms', '-1');
  const alert = producer.getByRole('alert');
  await expect(alert).toContainText('Invalid value -1 for configuration linger.ms: Value must be at least 0');
  await expect(producer.getByRole('textbox', { name: 'linger.ms', exact: true })).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  // The clock still runs, and the page still answers.
  await setSpeed(page, 2, '5×');
  const before = await clockSeconds(page);
  const after = await playUntil(page, before + 3);
  expect(after).toBeGreaterThan(before);
  await expect(alert).toBeVisible();
  await shot(page, 'invalid-linger');
  // A valid value clears the message.
  await setOption(page, producer, 'linger.ms', '5');
  await expect(alert).toHaveCount(0);
  expect(errors, errors.join('\n')).toEqual([]);
});
