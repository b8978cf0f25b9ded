import { EngineError } from '../errors.js';

/** dockerd's `invalid mount config for type "bind": ...` (400). */
export function mountConfigError(type: string, message: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', `invalid mount config for type "${type}": ${message}`);
}

/** dockerd's `invalid volume specification: '<raw>'`, with the reason after a colon when there is one. */
export function invalidSpec(raw: string, reason?: unknown): EngineError {
  const detail = reason instanceof Error ? `: ${reason.message}` : '';
  return new EngineError('INVALID_ARGUMENT', `invalid volume specification: '${raw}'${detail}`, reason ? { cause: reason } : undefined);
}
