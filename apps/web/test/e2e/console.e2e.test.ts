// The console end to end, in headless Chromium: two real berthd hosts, the real console server,
// the built UI. First-run setup, adding a host, the merged live container list, logs, stats,
// exec, a viewer's limits and the audit log, as a person would use them.
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDaemon } from '../../../../packages/engine/test/support/berthd.js';
import type { RunningConsole } from '../../src/console-app.js';
import { launchChromium, runBrowserTests } from './support/chromium.js';
import { nav, setupAdmin, shot } from './support/pages.js';
import { startTwoHosts, type TwoHosts } from './support/two-hosts.js';

const PASSWORD = 'correct horse battery';

let hosts: TwoHosts<Browser> | undefined;
let d2: TestDaemon;
let app: RunningConsole;
let work: string;
let browser: Browser;
let adminCtx: BrowserContext;
let page: Page;
let tickerId: string;
let counterId: string;

/** The container list's row of a container (rows are keyed "hostId:id"). */
const row = (p: Page, id: string) => p.locator(`.vtable-row[data-key$=":${id}"]`);

describe.skipIf(!runBrowserTests)('berth console in Chromium', () => {
  beforeAll(async () => {
    hosts = await startTwoHosts('console', { launch: launchChromium, close: (b) => b.close() });
    ({ d2, work, browser, tickerId, counterId } = hosts);
    app = await hosts.startConsole([hosts.d1.host]);
    adminCtx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    page = await adminCtx.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(() => hosts?.destroy());

  it('creates the first admin on the setup page with the one-time token', async () => {
    await setupAdmin(page, app.url, app.setupToken!, 'ada', PASSWORD, 'setup');
    await expect(page.locator('[data-user="ada"]').textContent()).resolves.toContain('admin');
  });

  it('adds the second host from the hosts page and shows it up', async () => {
    await nav(page, 'Hosts').click();
    const form = page.getByRole('form', { name: 'Add host' });
    await form.getByLabel('Name').fill('second');
    await form.getByLabel('Engine URL').fill(d2.host);
    await form.getByRole('button', { name: 'Add host' }).click();
    await page.locator('tr[data-host="second"] [data-status="up"]').waitFor();
    // An unreachable host is listed with the error explained.
    await form.getByLabel('Name').fill('gone');
    await form.getByLabel('Engine URL').fill(`unix://${path.join(work, 'nobody.sock')}`);
    await form.getByRole('button', { name: 'Add host' }).click();
    await page.locator('tr[data-host="gone"] [data-status="unreachable"]').waitFor();
    await expect(page.locator('tr[data-host="gone"] .host-error').textContent()).resolves.toMatch(/nobody\.sock[\s\S]*is berthd running/);
    await shot(page, 'hosts');
    await page.locator('tr[data-host="gone"]').getByRole('button', { name: 'Remove' }).click();
    await page.locator('tr[data-host="gone"]').getByRole('button', { name: 'Confirm remove' }).click();
    await page.locator('tr[data-host="gone"]').waitFor({ state: 'detached' });
  });

  it('lists the containers of both hosts in one list and follows a start live, without reloading', async () => {
    await nav(page, 'Containers').click();
    await row(page, tickerId).waitFor();
    await row(page, counterId).waitFor();
    await expect(row(page, counterId).locator('.cell-host').textContent()).resolves.toBe('second');
    await expect(row(page, tickerId).locator('.cell-host').textContent()).resolves.not.toBe('second');
    await expect(row(page, counterId).locator('[data-state]').getAttribute('data-state')).resolves.toBe('created');
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await row(page, counterId).getByRole('button', { name: 'Start' }).click();
    await row(page, counterId).locator('[data-state="running"]').waitFor();
    // The search narrows the merged list.
    await page.getByLabel('Search', { exact: true }).fill('counter');
    await row(page, tickerId).waitFor({ state: 'detached' });
    await shot(page, 'containers');
    await page.getByLabel('Search', { exact: true }).fill('');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('follows the container\'s log live', async () => {
    await row(page, counterId).getByRole('link', { name: 'counter' }).click();
    await page.getByRole('heading', { name: /counter/ }).waitFor();
    await page.getByRole('tab', { name: 'Logs' }).click();
    const log = page.getByLabel('Log of counter');
    await log.locator('.log-line', { hasText: /tick \d+/ }).first().waitFor();
    const before = Number(await log.getAttribute('data-lines'));
    await page.waitForFunction((n) => Number(document.querySelector('.log-viewport')?.getAttribute('data-lines')) >= n + 3, before);
    await shot(page, 'logs');
  });

  it('draws live stats charts', async () => {
    await page.getByRole('tab', { name: 'Stats' }).click();
    const cpu = page.locator('canvas[aria-label^="CPU"]');
    await page.waitForFunction(() => Number(document.querySelector('canvas[aria-label^="CPU"]')?.getAttribute('data-points')) >= 2);
    const pointsBefore = Number(await cpu.getAttribute('data-points'));
    const pixelsBefore = await page.locator('canvas[aria-label^="Memory"]').evaluate((c: HTMLCanvasElement) => c.toDataURL());
    await page.waitForFunction((n) => Number(document.querySelector('canvas[aria-label^="CPU"]')?.getAttribute('data-points')) >= n + 2, pointsBefore);
    const pixelsAfter = await page.locator('canvas[aria-label^="Memory"]').evaluate((c: HTMLCanvasElement) => c.toDataURL());
    expect(pixelsAfter).not.toBe(pixelsBefore);
    await shot(page, 'stats');
  });

  it('runs commands in the exec terminal, resized with the page', async () => {
    await page.getByRole('tab', { name: 'Terminal' }).click();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.locator('[data-exec-status]', { hasText: 'Connected' }).waitFor();
    await page.locator('.xterm-rows', { hasText: /[#$]/ }).waitFor().catch(async (err) => {
      throw new Error(`no shell prompt; terminal shows ${JSON.stringify(await page.locator('.terminal').textContent())}`, { cause: err });
    });
    await page.keyboard.type('echo hello-$((6*7))\n');
    await page.locator('.xterm-rows', { hasText: 'hello-42' }).waitFor();
    const colsBefore = await page.getByTestId('terminal').getAttribute('data-cols');
    await page.setViewportSize({ width: 1000, height: 700 });
    await page.waitForFunction((c) => document.querySelector('[data-testid="terminal"]')?.getAttribute('data-cols') !== c, colsBefore);
    const terminal = page.getByTestId('terminal');
    const [cols, rows] = [await terminal.getAttribute('data-cols'), await terminal.getAttribute('data-rows')];
    await page.keyboard.type('stty size\n');
    await page.locator('.xterm-rows', { hasText: `${rows} ${cols}` }).waitFor();
    await shot(page, 'terminal');
    await page.setViewportSize({ width: 1366, height: 800 });
  });

  it('runs a container from the form on a chosen host, and creates and removes a volume', async () => {
    await nav(page, 'Containers').click();
    await page.getByRole('link', { name: 'Run a container' }).click();
    const form = page.getByRole('form', { name: 'Run' });
    await form.getByLabel('Host').selectOption({ label: 'second' });
    await form.getByLabel('Image').fill('busybox');
    await form.getByLabel('Name').fill('formed');
    await form.getByLabel('Command').fill('sh -c "echo $GREETING from the form; sleep 60"');
    await form.getByLabel('Environment').fill('GREETING=hello');
    await shot(page, 'run');
    await form.getByRole('button', { name: 'Run' }).click();
    await page.getByRole('heading', { name: /formed/ }).locator('[data-state="running"]').waitFor();
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.locator('.log-line', { hasText: 'hello from the form' }).waitFor();
    // An engine error comes back with the engine's message.
    await nav(page, 'Containers').click();
    await page.getByRole('link', { name: 'Run a container' }).click();
    await form.getByLabel('Image').fill('no-such-image:1');
    await form.getByRole('button', { name: 'Run' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/no-such-image/);

    await nav(page, 'Volumes').click();
    const create = page.getByRole('form', { name: 'Create a volume' });
    await create.getByLabel('Host').selectOption({ label: 'second' });
    await create.getByLabel('Volume name').fill('e2e-data');
    await create.getByRole('button', { name: 'Create' }).click();
    const volume = page.locator('.vtable-row', { hasText: 'e2e-data' });
    await volume.waitFor();
    await expect(volume.locator('.cell-host').textContent()).resolves.toBe('second');
    await volume.getByRole('button', { name: 'Remove' }).click();
    await volume.getByRole('button', { name: 'Confirm remove' }).click();
    await volume.waitFor({ state: 'detached' });
  });

  it('shows a viewer the stop button disabled, and the console answers a viewer\'s direct call with 403', async () => {
    await nav(page, 'Users').click();
    const form = page.getByRole('form', { name: 'Create user' });
    await form.getByLabel('Username').fill('vic');
    await form.getByLabel('Password').fill(PASSWORD);
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.locator('tr[data-user="vic"]').waitFor();

    const viewerCtx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    const viewer = await viewerCtx.newPage();
    viewer.setDefaultTimeout(15_000);
    await viewer.goto(app.url);
    await viewer.getByLabel('Username').fill('vic');
    await viewer.getByLabel('Password').fill(PASSWORD);
    await viewer.getByRole('button', { name: 'Log in' }).click();
    await row(viewer, counterId).locator('[data-state="running"]').waitFor();
    await expect(row(viewer, counterId).getByRole('button', { name: 'Stop' }).isDisabled()).resolves.toBe(true);
    await row(viewer, counterId).getByRole('link', { name: 'counter' }).click();
    const stop = viewer.getByRole('group', { name: 'Actions on counter' }).getByRole('button', { name: 'Stop' });
    await stop.waitFor();
    expect(await stop.isDisabled()).toBe(true);
    expect(await stop.getAttribute('title')).toContain('operator');
    await expect(nav(viewer, 'Audit log').count()).resolves.toBe(0);
    await shot(viewer, 'viewer-container');
    const answer = await viewer.evaluate(async (id) => {
      const me = await (await fetch('/api/auth/me')).json() as { csrfToken: string };
      const hosts = await (await fetch('/api/hosts')).json() as { id: number; name: string }[];
      const hostId = hosts.find((h) => h.name === 'second')!.id;
      const res = await fetch(`/api/hosts/${hostId}/containers/${id}/stop`, { method: 'POST', headers: { 'x-csrf-token': me.csrfToken } });
      return { status: res.status, body: await res.json() as { code: string; message: string } };
    }, counterId);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('PERMISSION_DENIED');
    await viewerCtx.close();
    // The container is still running: the viewer changed nothing.
    await nav(page, 'Containers').click();
    await row(page, counterId).locator('[data-state="running"]').waitFor();
  });

  it('shows the admin\'s actions in the audit log and the engines\' events in the feed', async () => {
    await nav(page, 'Audit log').click();
    const table = page.getByRole('table', { name: 'Audit log' });
    for (const action of ['host.add', 'host.remove', 'container.start', 'container.exec', 'container.run', 'volume.create', 'volume.remove', 'user.create']) {
      await table.locator('.vtable-row', { hasText: action }).first().waitFor();
    }
    await expect(table.locator('.vtable-row', { hasText: 'container.start' }).first().textContent()).resolves.toMatch(/ada.*container\.start.*second.*ok/);
    await shot(page, 'audit');
    // The events feed has what happened since login, filtered by host and action.
    await nav(page, 'Events').click();
    await page.getByLabel('Host').selectOption({ label: 'second' });
    await page.getByLabel('Action').selectOption('start');
    await page.getByRole('table', { name: 'Events' }).locator('.vtable-row', { hasText: 'counter' }).first().waitFor();
    await expect(page.getByRole('table', { name: 'Events' }).locator('.vtable-row', { hasText: 'ticker' }).count()).resolves.toBe(0);
    await shot(page, 'events');
    await nav(page, 'Images').click();
    await page.getByRole('heading', { name: 'Images' }).waitFor();
    await shot(page, 'images');
  });
});
