// The UI benchmark: load time and frame times of the release page, measured in one run.
// Run by `cargo xtask bench --ui`, which builds and serves the page and prints the table; the figures
// go to BENCH_OUT as JSON.
//
// - Load: navigation start (performance.timeOrigin) to interactive, where interactive means the Play
//   button is there and enabled and the cluster picture is drawn (three Broker regions). Read in the
//   page with performance.now() at the first animation frame that sees it; median of 5 cold loads
//   (each in a fresh browser context: empty cache, empty storage).
// - Frames: the busy scenario (tests/scenarios/busy.toml) picked in the scenario picker; the intervals
//   between requestAnimationFrame callbacks over 10 s, paused (the baseline), playing at 10x, and
//   playing at 1000x (for information). Each also reports how far the simulated clock moved.
import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';

const LOADS = 5;
const SAMPLE_MS = 10_000;
const WARMUP_MS = 1_000;
/** Slider steps: 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 (x). */
const SPEED_INDEX: Record<string, number> = { '10×': 6, '1000×': 12 };

interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  /** Simulated seconds the clock moved per wall second while sampling. */
  sim_per_wall: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function stats(intervals: number[], simPerWall: number): FrameStats {
  const s = [...intervals].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    frames: s.length,
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? NaN),
    mean: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
    sim_per_wall: round(simPerWall),
  };
}

/** Resolves with performance.now() at the first animation frame where the page is interactive. */
async function interactiveAt(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    () => {
      const play = document.querySelector('.controls button.play') as HTMLButtonElement | null;
      const brokers = document.querySelectorAll('g[role="region"][aria-label^="Broker "]');
      return play !== null && !play.disabled && brokers.length >= 3 ? performance.now() : false;
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** The simulated clock, in seconds. */
async function clockSeconds(page: Page): Promise<number> {
  const text = (await page.getByRole('timer', { name: 'Simulated time' }).textContent()) ?? '';
  const m = /(\d+)\.(\d{3}) s/.exec(text);
  return m ? Number(m[1]) + Number(m[2]) / 1000 : NaN;
}

/** The intervals between animation frames over `ms`, recorded in the page. */
async function rafIntervals(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(
    (ms) =>
      new Promise<number[]>((resolve) => {
        const out: number[] = [];
        let last: number | undefined;
        let first: number | undefined;
        const tick = (t: number) => {
          if (last !== undefined) out.push(t - last);
          last = t;
          first ??= t;
          if (t - first < ms) requestAnimationFrame(tick);
          else resolve(out);
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

async function sample(page: Page, ms: number): Promise<FrameStats> {
  const before = await clockSeconds(page);
  const t0 = Date.now();
  const intervals = await rafIntervals(page, ms);
  const wall = (Date.now() - t0) / 1000;
  const after = await clockSeconds(page);
  return stats(intervals, (after - before) / wall);
}

async function setSpeed(page: Page, label: string) {
  const slider = page.getByRole('slider', { name: 'Speed' });
  await slider.focus();
  const now = Number(await slider.inputValue());
  const want = SPEED_INDEX[label];
  const key = want > now ? 'ArrowRight' : 'ArrowLeft';
  for (let i = 0; i < Math.abs(want - now); i++) await page.keyboard.press(key);
  await expect(slider).toHaveAttribute('aria-valuetext', label);
}

test('UI benchmark: load and frame times', async ({ browser }) => {
  const errors: string[] = [];

  // Load: 5 cold loads.
  const loads: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/', { waitUntil: 'commit' });
    loads.push(Math.round(await interactiveAt(page)));
    await context.close();
  }
  const sortedLoads = [...loads].sort((a, b) => a - b);
  const loadMedian = sortedLoads[Math.floor(sortedLoads.length / 2)];

  // Frames: the busy scenario, paused, then at 10x and 1000x.
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await interactiveAt(page);
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption('busy');
  await expect(page.getByRole('region', { name: /^Broker \d+$/ })).toHaveCount(3);
  await expect(page.getByRole('region', { name: 'Broker 1', exact: true })).toBeVisible();
  await page.waitForTimeout(WARMUP_MS);
  const idle = await sample(page, SAMPLE_MS);

  await setSpeed(page, '10×');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await page.waitForTimeout(WARMUP_MS);
  const busy10 = await sample(page, SAMPLE_MS);

  await setSpeed(page, '1000×');
  await page.waitForTimeout(WARMUP_MS);
  const busy1000 = await sample(page, SAMPLE_MS);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await context.close();

  const figures = {
    load_ms: loads,
    load_median_ms: loadMedian,
    frames_idle: idle,
    frames_busy_10x: busy10,
    frames_busy_1000x: busy1000,
    page_errors: errors,
  };
  console.log(JSON.stringify(figures));
  if (process.env.BENCH_OUT) fs.writeFileSync(process.env.BENCH_OUT, JSON.stringify(figures, null, 2));
  expect(errors).toEqual([]);
});
