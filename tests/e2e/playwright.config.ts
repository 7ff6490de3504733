import { defineConfig } from '@playwright/test';

// Runs against a served RELEASE build: Playwright starts `trunk serve --release` itself. Run by hand
// outside CI it may reuse a server already on the port; `cargo xtask test` sets E2E_FRESH_SERVER so
// that a stale build is never tested. Chromium is the system one (Debian's package).
const PORT = 8091;
const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: './specs',
  fullyParallel: false,
  workers: 1,
  // No retries: a flaky test is a bug to fix, not to hide.
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Root on a closed network: no sandbox, no GPU, nothing that phones home.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    // A separate dist folder keeps the test build from clobbering `trunk serve`'s dist/.
    command: `trunk serve --release --port ${PORT} --address 127.0.0.1 --no-autoreload --dist target/e2e-dist`,
    cwd: '../..',
    url: BASE_URL,
    reuseExistingServer: !(process.env.CI || process.env.E2E_FRESH_SERVER),
    timeout: 600_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
