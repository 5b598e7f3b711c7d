import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium. playwright-core downloads no browser (its own downloads cannot work here), so it is driven by
 * executable path; SLUICE_CHROMIUM points elsewhere if needed.
 */
export const CHROMIUM = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) throw new Error('install chromium (apt-get install -y chromium)');
  // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}

/**
 * Records what a page must never do: log a console error, throw, or request anything from another origin than
 * `origin`. The test asserts the list is empty at the end.
 */
export function watchPage(page: Page, origin: string): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const own = new URL(origin).origin; // compared whole: a prefix test would take port 10 for port 1
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && new URL(url).origin !== own) problems.push(`request outside the inspector: ${url}`);
  });
  return problems;
}
