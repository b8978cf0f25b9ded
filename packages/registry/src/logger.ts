import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** The registry's structured logger, on stderr (stdout stays free for the CLI's own output). */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'berth-registry' } }, pino.destination({ fd: 2, sync: false }));
}
