import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';

// Issue 6's teaching layer in the browser: the seed's Kafka commands typed into the Terminal tab,
// the acks lesson walked in Korean with Show me and Continue, and the seed's compose file imported.

const SCREENSHOTS = path.join(__dirname, '..', 'screenshots');
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `teach-${name}.png`), fullPage: true });
const SEED_COMPOSE = path.join(__dirname, '..', '..', '..', 'crates', 'kafka-sim', 'tests', 'fixtures', 'seed', 'docker-compose.yml');

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

/** Collects page errors and console errors. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return errors;
}

/** Types one line into the terminal and waits for it to show in the transcript. */
async function type(page: Page, line: string) {
  const input = page.getByRole('textbox', { name: 'Terminal', exact: true });
  const before = await page.locator('.term-entry').count();
  await input.fill(line);
  await input.press('Enter');
  await expect(page.locator('.term-entry')).toHaveCount(before + 1);
}

/** The output (stdout and stderr) of the last line typed. */
async function lastOutput(page: Page): Promise<string> {
  return (await page.locator('.term-entry').last().innerText()) ?? '';
}

test('the seed commands typed in the terminal answer as Kafka does', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  // The seed's walkthrough: three brokers, no topic yet.
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption('seed-walkthrough');
  await page.getByRole('button', { name: 'Start the lesson' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Waiting for the step' })).toBeVisible();
  await page.getByRole('tab', { name: 'Terminal' }).click();
  const bs = '--bootstrap-server localhost:9092';

  await type(page, `kafka-topics ${bs} --create --topic reserve --partitions 3 --replication-factor 3`);
  expect(await lastOutput(page)).toContain('Created topic reserve.');
  await expect(page.getByRole('button', { name: 'Continue' })).toBeEnabled();
  await page.getByRole('button', { name: 'Continue' }).click();

  // Tab completion of a command, then history: the next line starts from a completed word.
  const input = page.getByRole('textbox', { name: 'Terminal', exact: true });
  await input.fill('kafka-console-pr');
  await input.press('Tab');
  await expect(input).toHaveValue('kafka-console-producer ');
  await input.fill('');

  await type(page, `kafka-console-producer ${bs} --topic reserve`);
  await expect(page.locator('.term-input-line .term-prompt')).toHaveText('>');
  for (const n of [1, 2, 3]) await type(page, `{"reservationId":${n}}`);
  await input.press('Control+d');
  await expect(page.locator('.term-input-line .term-prompt')).toHaveText('$');
  await shot(page, 'terminal-producer');

  await type(page, `kafka-topics ${bs} --list`);
  expect((await lastOutput(page)).split('\n')).toContain('reserve');

  await type(page, `kafka-topics ${bs} --describe --topic reserve`);
  const describe = await lastOutput(page);
  expect(describe).toContain('PartitionCount: 3');
  for (const p of [0, 1, 2]) expect(describe).toContain(`Partition: ${p}`);

  await type(page, `kafka-console-consumer ${bs} --topic reserve --from-beginning`);
  const consumed = await lastOutput(page);
  for (const n of [1, 2, 3]) expect(consumed).toContain(`{"reservationId":${n}}`);
  expect(consumed).toContain('Processed a total of 3 messages');

  // History: Up recalls the last line.
  await input.press('ArrowUp');
  await expect(input).toHaveValue(`kafka-console-consumer ${bs} --topic reserve --from-beginning`);
  await input.fill('');
  // User text is never markup.
  await type(page, '<b>x</b>');
  await expect(page.locator('.terminal-output b')).toHaveCount(0);
  expect(await lastOutput(page)).toContain('<b>x</b>: command not found');
  await shot(page, 'terminal');
  expect(errors).toEqual([]);
});

test('the acks lesson can be walked to the end in Korean', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await page.goto('/');
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: '한국어' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  // Faster playback for the steps that need simulated time (10×).
  const speed = page.getByRole('slider', { name: '속도', exact: true });
  await speed.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect(speed).toHaveAttribute('aria-valuetext', '10×');

  await page.getByRole('combobox', { name: '레슨 선택' }).selectOption('acks');
  await page.getByRole('button', { name: '레슨 시작' }).click();
  const lesson = page.locator('.lesson-active');
  await expect(lesson.getByRole('heading', { name: 'acks와 min.insync.replicas' })).toBeVisible();
  await shot(page, 'acks-ko-start');

  for (let step = 1; step <= 5; step++) {
    await expect(lesson.locator('.lesson-count')).toHaveText(`5단계 중 ${step}단계`);
    await lesson.getByRole('button', { name: '보여 줘' }).click();
    const done = lesson.locator('.lesson-done');
    if (!(await done.isVisible())) {
      // Let the simulation run until the step happened.
      await page.getByRole('button', { name: '재생', exact: true }).click();
      await expect(done).toBeVisible({ timeout: 60_000 });
      await page.getByRole('button', { name: '일시정지', exact: true }).click();
    }
    await expect(lesson.locator('.lesson-notice')).toBeVisible();
    await shot(page, `acks-ko-step${step}`);
    if (step < 5) {
      await expect(lesson.getByRole('button', { name: '계속' })).toBeEnabled();
      await lesson.getByRole('button', { name: '계속' }).click();
    }
  }
  await expect(lesson.getByText('레슨 완료')).toBeVisible();
  await lesson.getByRole('button', { name: '레슨 나가기' }).click();
  await expect(page.getByRole('button', { name: '레슨 시작' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('the seed compose file imports as three brokers', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await page.locator('.port-details > summary').click();
  await page.getByLabel('Upload a file').setInputFiles(SEED_COMPOSE);
  await expect(page.locator('.port-summary')).toContainText('3 brokers');
  await expect(page.locator('.port-ignored li').first()).toBeVisible();
  await shot(page, 'import-result');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  for (const n of [1, 2, 3]) {
    await expect(page.getByRole('region', { name: `Broker ${n}`, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('region', { name: /^Broker \d+$/ })).toHaveCount(3);

  // Export the opened cluster back as compose: it names the three brokers.
  await page.getByRole('combobox', { name: 'Export as' }).selectOption({ label: 'docker-compose.yml' });
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const text = await page.getByRole('textbox', { name: 'docker-compose.yml' }).inputValue();
  for (const n of [1, 2, 3]) expect(text).toContain(`kafka${n}`);
  await shot(page, 'import-opened');
  expect(errors).toEqual([]);
});
