import { defineConfig } from '@playwright/test';

// The server under test is started by scripts/e2e.sh on a free port (E2E_PORT) against
// a fresh SQLite database; these tests only drive Debian's Chromium against it.
const port = process.env.E2E_PORT ?? '3111';

export default defineConfig({
  testDir: './tests',
  // Margins for a busy two-core machine (a parallel build beside the tests): each test
  // does a few steps and at most one or two axe scans, well inside these.
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'off',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: '/usr/bin/chromium',
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
      },
    },
  ],
});
