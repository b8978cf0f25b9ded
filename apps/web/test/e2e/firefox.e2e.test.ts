// The console end to end in headless Firefox (Debian's firefox-esr over WebDriver BiDi): two real
// berthd hosts, the real console server, the built UI. First-run setup, the merged container
// list, starting a container from its page, its live log and the exec terminal.
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningConsole } from '../../src/console-app.js';
import { launchFirefox, runFirefoxTests, typeInto, waitForText } from './support/firefox.js';
import { SHOTS } from './support/pages.js';
import { startTwoHosts, type TwoHosts } from './support/two-hosts.js';

const PASSWORD = 'correct horse battery';

let hosts: TwoHosts<Browser> | undefined;
let app: RunningConsole;
let page: Page;
let tickerId: string;
let counterId: string;

/** The container list's row of a container (rows are keyed "hostId:id"). */
const row = (id: string) => `.vtable-row[data-key$=":${id}"]`;

describe.skipIf(!runFirefoxTests)('berth console in Firefox', () => {
  beforeAll(async () => {
    hosts = await startTwoHosts('firefox', { launch: launchFirefox, close: (b) => b.close() });
    ({ tickerId, counterId } = hosts);
    app = await hosts.startConsole([hosts.d1.host, hosts.d2.host]);
    page = await hosts.browser.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(() => hosts?.destroy());

  it('creates the first admin on the setup page with the one-time token', async () => {
    await page.goto(app.url);
    await waitForText(page, 'h2', /^First-run setup$/);
    await typeInto(page, 'Setup token', app.setupToken!);
    await typeInto(page, 'Administrator username', 'ada');
    await typeInto(page, 'Password', PASSWORD);
    await typeInto(page, 'Password again', PASSWORD);
    await page.locator('form[aria-label="Create administrator"] button[type="submit"]:not([disabled])').click();
    await page.waitForSelector('nav[aria-label="Main"]');
    await expect(waitForText(page, '[data-user="ada"]', /admin/)).resolves.toBeTruthy();
  });

  it('lists a container of each host in one list', async () => {
    await page.waitForSelector(row(tickerId));
    await page.waitForSelector(row(counterId));
    const hostOf = (id: string) => page.$eval(`${row(id)} .cell-host`, (e) => e.textContent ?? '');
    const [tickerHost, counterHost] = await Promise.all([hostOf(tickerId), hostOf(counterId)]);
    expect(tickerHost).not.toBe('');
    expect(counterHost).not.toBe('');
    expect(tickerHost).not.toBe(counterHost);
    await expect(page.$eval(`${row(counterId)} [data-state]`, (e) => e.getAttribute('data-state'))).resolves.toBe('created');
  });

  it('starts a container from its page and shows it running without a reload', async () => {
    await page.locator(`${row(counterId)} a`).click();
    await page.waitForSelector('h1 [data-state="created"]');
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await page.locator('[aria-label="Actions on counter"] button[data-action="start"]:not([disabled])').click();
    await page.waitForSelector('h1 [data-state="running"]');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('follows the container\'s log live', async () => {
    await page.locator('#tab-logs').click();
    await waitForText(page, '.log-line', /tick \d+/);
    const lines = () => page.$eval('.log-viewport', (e) => Number(e.getAttribute('data-lines')));
    const before = await lines();
    await page.waitForFunction((n: number) => Number(document.querySelector('.log-viewport')?.getAttribute('data-lines')) >= n + 3, {}, before);
  });

  it('runs a command in the exec terminal', async () => {
    await page.locator('#tab-terminal').click();
    await page.locator('form[aria-label="Exec"] button[type="submit"]:not([disabled])').click();
    await waitForText(page, '[data-exec-status]', /^Connected/);
    await waitForText(page, '.xterm-rows', /[#$]/);
    await page.keyboard.type('echo hello-$((6*7))\n');
    await waitForText(page, '.xterm-rows', /hello-42/);
  });

  it('shows both hosts\' containers running in the list, as a screenshot', async () => {
    await page.locator('nav[aria-label="Main"] a::-p-text(Containers)').click();
    await page.waitForSelector(`${row(counterId)} [data-state="running"]`);
    await page.waitForSelector(`${row(tickerId)} [data-state="running"]`);
    await page.screenshot({ path: path.join(SHOTS, 'firefox-containers.png') });
  });
});
