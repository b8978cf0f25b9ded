import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';

/**
 * Debian's Firefox ESR (`apt-get install firefox-esr`), driven over WebDriver BiDi by
 * puppeteer-core (Playwright needs its own patched Firefox; puppeteer-core drives the stock one
 * and never downloads a browser).
 */
export const FIREFOX = '/usr/bin/firefox-esr';

/**
 * Whether the Firefox tests run: always when Firefox is installed; in CI (CI=true) they run
 * anyway and fail at launch, so a machine without Firefox cannot pass them by skipping.
 */
export const runFirefoxTests = existsSync(FIREFOX) || process.env.CI === 'true';

export async function launchFirefox(): Promise<Browser> {
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing: install Debian's firefox-esr (apt-get install -y firefox-esr; scripts/setup.sh does)`);
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    defaultViewport: { width: 1366, height: 800 },
    // No updates, telemetry or first-run pages: the browser talks to the console only.
    extraPrefsFirefox: { 'app.update.enabled': false, 'toolkit.telemetry.enabled': false, 'browser.shell.checkDefaultBrowser': false },
  });
}

/**
 * Types `text` into the input labelled `label`, replacing what it held, with the keyboard as a
 * person would. (Firefox's accessibility tree gives the wrapping <label> the same name as its
 * input, so `::-p-aria(Setup token)` finds the label first; the input is looked up by its label.)
 */
export async function typeInto(page: Page, label: string, text: string): Promise<void> {
  // The control inside the <label> whose text is `label` (what the label names, and what a click on it focuses).
  const found = await page.waitForFunction(
    (name: string) => [...document.querySelectorAll('label')].find((l) => l.querySelector('.field-label')?.textContent === name)?.querySelector('input, textarea') ?? false,
    {},
    label,
  );
  const input = found as ElementHandle<HTMLInputElement>;
  await input.evaluate((e) => e.select());
  await input.type(text);
}

/** Waits until an element matching `selector` has text matching `text`, and returns it. */
export async function waitForText(page: Page, selector: string, text: RegExp): Promise<ElementHandle> {
  const found = await page.waitForFunction(
    (sel: string, source: string, flags: string) => [...document.querySelectorAll(sel)].find((e) => new RegExp(source, flags).test(e.textContent ?? '')) ?? false,
    {},
    selector, text.source, text.flags,
  ).catch(async (err: unknown) => {
    const seen = await page.$$eval(selector, (els) => els.map((e) => e.textContent)).catch(() => []);
    throw new Error(`no ${selector} with text ${text} (seen: ${JSON.stringify(seen).slice(0, 500)})`, { cause: err });
  });
  return found as ElementHandle;
}
