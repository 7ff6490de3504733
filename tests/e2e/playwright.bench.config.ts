import { defineConfig } from '@playwright/test';
import e2e from './playwright.config';

// The UI benchmark (`cargo xtask bench --ui`), kept apart from the e2e suite: `cargo xtask test e2e`
// uses playwright.config.ts, whose testDir is ./specs, so it never runs this. The xtask builds the
// release page, serves it on a free port and passes its address in BENCH_URL, and where to write the
// figures in BENCH_OUT. Chromium is the system one (Debian's package), as in the e2e suite.
export default defineConfig({
  testDir: './bench',
  testMatch: /.*\.bench\.ts$/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 300_000,
  expect: { timeout: 30_000 },
  use: {
    baseURL: process.env.BENCH_URL ?? 'http://127.0.0.1:8092',
    headless: true,
    viewport: { width: 1280, height: 800 },
    // The same system Chromium and flags as the e2e suite.
    launchOptions: e2e.use?.launchOptions,
  },
});
