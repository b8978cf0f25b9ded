/** The engine as a library: start a daemon in-process (tests, benchmarks, embedding). */
export { parseConfig, USAGE, type EngineConfig, type LogLevel } from './config.js';
export { startDaemon, type Daemon } from './daemon.js';
export { EngineError, isEngineError } from './errors.js';
export { createLogger } from './logger.js';
