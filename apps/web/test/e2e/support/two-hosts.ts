import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { docker, importBusybox, TestDaemon } from '../../../../../packages/engine/test/support/berthd.js';
import { startConsole, type RunningConsole } from '../../../src/console-app.js';
import { SHOTS } from './pages.js';
import { buildUi } from './ui-build.js';

/**
 * What the browser tests run against: two real berthd hosts, "ticker" running on the first and
 * "counter" (printing "tick N" five times a second) created on the second, the UI built, and a
 * browser launched meanwhile.
 */
export interface TwoHosts<B> {
  /** A scratch directory removed with the rest. */
  work: string;
  d1: TestDaemon;
  d2: TestDaemon;
  tickerId: string;
  counterId: string;
  browser: B;
  /** Starts the real console over `engines` (registered at its first start) with the built UI. */
  startConsole(engines: string[]): Promise<RunningConsole>;
  /** Closes the browser, stops the console and the daemons and removes the files. */
  destroy(): Promise<void>;
}

interface BrowserLauncher<B> { launch(): Promise<B>; close(browser: B): Promise<void> }

export async function startTwoHosts<B>(name: string, browsers: BrowserLauncher<B>): Promise<TwoHosts<B>> {
  const work = await mkdtemp(path.join(tmpdir(), `berth-${name}-e2e-`));
  const uiDir = path.join(work, 'ui-dist');
  const started = await Promise.allSettled([TestDaemon.start(), TestDaemon.start(), browsers.launch(), buildUi(uiDir), mkdir(SHOTS, { recursive: true })]);
  const value = <T>(r: PromiseSettledResult<T>) => (r.status === 'fulfilled' ? r.value : undefined);
  const [d1, d2, browser] = [value(started[0]), value(started[1]), value(started[2])];
  let app: RunningConsole | undefined;
  const destroy = async () => {
    if (browser) await browsers.close(browser);
    await app?.close();
    await Promise.all([d1?.destroy(), d2?.destroy()]);
    await rm(work, { recursive: true, force: true });
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed || !d1 || !d2 || !browser) {
    await destroy();
    throw (failed as PromiseRejectedResult | undefined)?.reason ?? new Error('the e2e fixture did not start');
  }
  try {
    await Promise.all([importBusybox(d1), importBusybox(d2)]);
    const [t, c] = await Promise.all([
      docker(d1, ['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'while true; do sleep 1; done']),
      docker(d2, ['create', '--name', 'counter', '--stop-timeout', '1', 'busybox', 'sh', '-c', 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done']),
    ]);
    const tickerId = t.stdout.trim();
    const counterId = c.stdout.trim();
    expect(tickerId).toMatch(/^[0-9a-f]{64}$/);
    expect(counterId).toMatch(/^[0-9a-f]{64}$/);
    return {
      work, d1, d2, tickerId, counterId, browser, destroy,
      async startConsole(engines) {
        app = await startConsole({ host: '127.0.0.1', port: 0, dataDir: work, databaseUrl: `file:${path.join(work, 'console.db')}`, engines, uiDir, probeIntervalMs: 500 }, { logger: false });
        return app;
      },
    };
  } catch (err) {
    await destroy();
    throw err;
  }
}
