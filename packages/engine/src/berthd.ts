#!/usr/bin/env node
import { parseConfig, USAGE } from './config.js';
import { startDaemon } from './daemon.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`berthd: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(125);
  }
  if (config === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const logger = createLogger(config.logLevel);
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  try {
    daemon = await startDaemon(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'berthd failed to start');
    process.stderr.write(`berthd: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down; containers keep running');
    void daemon.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => daemon.reload());
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

void main();
