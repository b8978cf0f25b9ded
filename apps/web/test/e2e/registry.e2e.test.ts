// The console's registry browser and image pull in headless Chromium, against a real
// berth-registry and a real berthd: add a registry, browse repositories, tags and a
// manifest's layers, see a push arrive live, delete a tag, pull an image with its progress.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthRegistry, type RegistryProcess } from '@berth/sdk/testing';
import { docker, importBusybox, TestDaemon } from '../../../../packages/engine/test/support/berthd.js';
import { startConsole, type RunningConsole } from '../../src/console-app.js';
import { launchChromium, runBrowserTests } from './support/chromium.js';
import { nav, setupAdmin, shot, SHOTS } from './support/pages.js';
import { buildUi } from './support/ui-build.js';

let d: TestDaemon;
let registry: RegistryProcess;
let app: RunningConsole;
let work: string;
let browser: Browser;
let page: Page;

describe.skipIf(!runBrowserTests)('registry browser in Chromium', () => {
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'berth-console-e2e-reg-'));
    const uiDir = path.join(work, 'ui-dist');
    [d, registry, browser] = await Promise.all([TestDaemon.start(), startBerthRegistry(), launchChromium(), buildUi(uiDir), mkdir(SHOTS, { recursive: true })]);
    await importBusybox(d);
    for (const tag of ['1', '2']) {
      const ref = `${registry.host}/library/busybox:${tag}`;
      expect((await docker(d, ['tag', 'busybox', ref])).code).toBe(0);
      expect((await docker(d, ['push', ref])).code).toBe(0);
      expect((await docker(d, ['rmi', ref])).code).toBe(0);
    }
    app = await startConsole({ host: '127.0.0.1', port: 0, dataDir: work, databaseUrl: `file:${path.join(work, 'console.db')}`, engines: [d.host], uiDir }, { logger: false });
    page = await (await browser.newContext({ viewport: { width: 1366, height: 800 } })).newPage();
    page.setDefaultTimeout(15_000);
    await setupAdmin(page, app.url, app.setupToken!, 'ada', 'correct horse battery');
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await Promise.all([d?.destroy(), registry?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('adds a registry and browses repositories, tags and a manifest with its layers', async () => {
    await nav(page, 'Registries').click();
    const form = page.getByRole('form', { name: 'Add registry' });
    await form.getByLabel('Name', { exact: true }).fill('local');
    await form.getByLabel('Address').fill(registry.host);
    await form.getByRole('button', { name: 'Add registry' }).click();
    await page.getByRole('button', { name: 'local', exact: true }).click();
    await page.getByRole('button', { name: 'library/busybox' }).click();
    await page.getByRole('button', { name: '1', exact: true }).click();
    const layers = page.getByRole('table', { name: 'Layers' });
    await layers.locator('tbody tr').first().waitFor();
    expect(await layers.locator('tbody tr').first().textContent()).toMatch(/sha256:[0-9a-f]{64}.*\d+(\.\d)? (KiB|MiB)/);
    await expect(page.locator('.manifest').textContent()).resolves.toMatch(/Digest\s*sha256:[0-9a-f]{64}/);
    await shot(page, 'registry');
  });

  it('shows a push into the registry live, from its event stream', async () => {
    await page.locator('.badge.registry-up').waitFor();
    const ref = `${registry.host}/library/busybox:3`;
    expect((await docker(d, ['tag', 'busybox', ref])).code).toBe(0);
    expect((await docker(d, ['push', ref])).code).toBe(0);
    await page.locator('.pick-list button', { hasText: /^3$/ }).waitFor();
    await expect(page.locator('.registry-browser [role="status"]').textContent()).resolves.toMatch(/push library\/busybox:3/);
  });

  it('deletes a tag', async () => {
    await page.getByRole('button', { name: 'Delete tag' }).click();
    await page.getByRole('button', { name: 'Confirm delete tag' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted library/busybox:1' }).waitFor();
    await page.locator('.pick-list button', { hasText: /^1$/ }).waitFor({ state: 'detached' });
    await expect(page.locator('.pick-list button', { hasText: /^2$/ }).count()).resolves.toBe(1);
  });

  it('pulls an image onto a host with its progress, and lists it', async () => {
    await nav(page, 'Images').click();
    const form = page.getByRole('form', { name: 'Pull' });
    await form.getByLabel('Image').fill(`${registry.host}/library/busybox:2`);
    await form.getByRole('button', { name: 'Pull' }).click();
    await page.locator('.progress').waitFor();
    await page.getByRole('status').filter({ hasText: `Pulled ${registry.host}/library/busybox:2` }).waitFor();
    expect(await page.locator('.progress').textContent()).toMatch(/Pull complete|Download complete|Already exists|Digest|Status/);
    await page.locator('.vtable-row', { hasText: `${registry.host}/library/busybox:2` }).waitFor();
    await shot(page, 'images-pulled');
    // A pull that fails shows the engine's message.
    await form.getByLabel('Image').fill(`${registry.host}/library/nothing:here`);
    await form.getByRole('button', { name: 'Pull' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/nothing/);
  });
});
