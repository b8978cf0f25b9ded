#!/usr/bin/env node
import { parseCommand, USAGE, type RegistryCommand } from './config.js';
import { runGarbageCollection } from './gc/run-garbage-collection.js';
import { createLogger } from './logger.js';
import { startRegistry } from './server.js';

async function main(): Promise<void> {
  let command: RegistryCommand;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`berth-registry: ${(err as Error).message}\n\nRun 'berth-registry --help' for usage.\n`);
    process.exit(2);
  }
  if (command.command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const logger = createLogger(command.config.logLevel);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  if (command.command === 'gc') {
    try {
      const report = await runGarbageCollection(command.config, { dryRun: command.dryRun, logger });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } catch (err) {
      logger.fatal({ err }, 'garbage collection failed');
      process.stderr.write(`berth-registry: ${(err as Error).message}\n`);
      process.exit(1);
    }
    return;
  }
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  try {
    registry = await startRegistry(command.config, { logger });
  } catch (err) {
    logger.fatal({ err }, 'berth-registry failed to start');
    process.stderr.write(`berth-registry: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`berth-registry listening on ${registry.url}\n`);
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    void registry.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
