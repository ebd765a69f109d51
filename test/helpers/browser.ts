// Headless Debian Chromium driven by playwright-core, for the dashboard's browser tests.
// Never downloads a browser: outside CI the tests skip with a printed reason when
// /usr/bin/chromium is missing; under CI=true (where .ci/run installs it) that is a failure.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './server.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of the browser tests, kept after the run (git ignores the folder). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'e2e');

/**
 * Flags for a machine with a closed network: without the background-networking ones Chromium
 * keeps opening connections the network refuses. Playwright adds --headless itself.
 */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** `false` when Chromium is installed, else the reason to skip (outside CI) — under CI it throws. */
export function requireChromium(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const reason = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.log(`# skipping: ${reason}`);
  return reason;
}

export interface TestBrowser {
  readonly page: Page;
  /** Saves a full-page PNG under test-artifacts/e2e/<name>.png. */
  screenshot(name: string): Promise<void>;
  /** Uncaught exceptions, console errors and 5xx answers the page got: a test can assert there are none. */
  readonly pageErrors: string[];
  dispose(): Promise<void>;
}

export async function openBrowser(): Promise<TestBrowser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'nimbus-chromium-'));
  let context: BrowserContext;
  try {
    // A persistent context is how Playwright takes a fresh --user-data-dir of our own.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1360, height: 900 }, timeout: 30_000,
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    // Chromium's own note of every non-2xx fetch is not the page's error: the dashboard asks for
    // endpoints a platform may not serve (metering) and shows what it has. 5xx answers are caught below.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
  });
  page.on('response', (res) => {
    if (res.status() >= 500) pageErrors.push(`${res.status()} from ${res.request().method()} ${res.url()}`);
  });
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return {
    page,
    pageErrors,
    async screenshot(name) {
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
    },
    async dispose() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
