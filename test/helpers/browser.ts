// Headless Chromium for the UI tests (Debian's `chromium`, driven by playwright-core). Without it
// the tests are skipped locally but FAIL when CI is set: CI installs it (.ci/run), so a missing
// browser there is a broken setup, not a reason to pass.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);
/** Run the browser tests: always in CI (where a missing browser must fail them), else when installed. */
export const runBrowserTests = chromiumAvailable || process.env['CI'] !== undefined;

export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
