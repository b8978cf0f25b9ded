import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** The daemon's structured logger, on stderr. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: null }, pino.destination(2));
}
