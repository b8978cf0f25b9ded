import path from 'node:path';
import type { Page } from 'playwright-core';
import { WEB } from './ui-build.js';

/** Where the e2e tests leave screenshots of the main pages (gitignored). */
export const SHOTS = path.join(WEB, '.test-output/screenshots');

export const shot = (p: Page, name: string) => p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });

/** A link of the main navigation. */
export const nav = (p: Page, name: string) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

/** Creates the first admin on the first-run setup page, as a person would, and waits for the console. */
export async function setupAdmin(page: Page, url: string, token: string, username: string, password: string, screenshot?: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'First-run setup' }).waitFor();
  await page.getByLabel('Setup token').fill(token);
  await page.getByLabel('Administrator username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Password again').fill(password);
  if (screenshot) await shot(page, screenshot);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
