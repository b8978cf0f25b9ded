import os from 'node:os';
import { EngineError } from '../errors.js';

const BY_NUMBER = new Map<number, string>(
  Object.entries(os.constants.signals).map(([name, n]) => [n, name.slice(3)] as [number, string]),
);

/** Normalises `TERM`, `SIGTERM`, `sigterm` or `15` to `TERM`; anything else is a 400. */
export function parseSignal(value: string): string {
  const upper = value.trim().toUpperCase().replace(/^SIG/, '');
  if (/^\d+$/.test(upper)) {
    const name = BY_NUMBER.get(Number(upper));
    if (name) return name;
  } else if (`SIG${upper}` in os.constants.signals) {
    return upper;
  }
  throw new EngineError('INVALID_ARGUMENT', `invalid signal: ${value}`);
}

/** The signal number, for exit codes (128 + N). */
export function signalNumber(name: string): number {
  return os.constants.signals[`SIG${parseSignal(name)}` as NodeJS.Signals];
}
