// Headless Chromium for the end-to-end tests, and the page helpers they share.
import { chromium } from 'playwright-core';

/** Debian's Chromium (../shared/ENVIRONMENT.md), or CHROMIUM_PATH. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Launches Chromium with a fresh profile; the flags keep it off the network
 * it cannot reach here.
 */
export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Replaces the text of the n-th schema editor (CodeMirror) on the page. */
export async function replaceEditorText(page, text, n = 0) {
  const editor = page.locator('.cm-content').nth(n);
  await editor.click();
  await page.keyboard.press('Control+A');
  // One insertion, as a paste: typing would auto-close brackets.
  await page.keyboard.insertText(text);
}

/** Signs in on the guest sign-in page of the app at `appUrl`. */
export async function signInAsGuest(page, appUrl) {
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'Enter' }).click();
}
