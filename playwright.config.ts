// End-to-end tests: Debian's chromium against the BUILT app (`vite preview` serves dist/
// with the production headers, CSP included), so the tests exercise what ships.
// Never downloads a browser: the executable is $STACKLENS_CHROMIUM, else `chromium` on
// PATH, else /usr/bin/chromium. Run `npx vite build` first (npm test does).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { APP_ORIGIN, APP_PORT } from './e2e/port';


function findChromium(): string {
  const env = process.env.STACKLENS_CHROMIUM;
  if (env) return env;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const p = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (p) return p;
    } catch {
      // not on PATH
    }
  }
  return '/usr/bin/chromium';
}

const executablePath = findChromium();
if (!existsSync(executablePath)) {
  console.warn(`playwright.config: no chromium at ${executablePath}; install Debian's package: apt-get install -y chromium`);
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Keep Playwright's own artifacts in a subfolder: it wipes outputDir on start, and
  // test-results/ also holds the vitest report and the screenshots in test-results/screens.
  outputDir: 'test-results/playwright',
  timeout: 90_000,
  // Hard stop well inside the 30-minute CI budget.
  globalTimeout: 20 * 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Two cores: one browser worker per core; the app itself runs a Web Worker too.
  workers: Number(process.env.STACKLENS_E2E_WORKERS ?? 2),
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL: APP_ORIGIN,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    screenshot: 'on',
    trace: 'off',
    video: 'off',
    launchOptions: {
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        // Containers often have a tiny /dev/shm; Debian's wrapper only adds this when it
        // can measure /dev/shm, so say it explicitly.
        '--disable-dev-shm-usage',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command:
      `sh -c 'test -f dist/index.html || { echo "dist/index.html missing: run npx vite build first (npm test does)" >&2; exit 1; }; ` +
      `exec npx vite preview --host 127.0.0.1 --port ${APP_PORT} --strictPort'`,
    url: `${APP_ORIGIN}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
