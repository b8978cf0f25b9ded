import { EngineError } from '../errors.js';
import type { ExtractLimits, ExtractResult } from './extract.js';

/** Messages from the daemon to an unpack worker; `job` tells apart layers unpacking in one worker at a time. */
export type ToWorker =
  | { op: 'start'; job: number; dest: string; limits: Partial<ExtractLimits> }
  /** `chunk` is transferred, not copied: the sender must not touch it afterwards. */
  | { op: 'data'; job: number; chunk: ArrayBuffer }
  | { op: 'end'; job: number }
  /** Stops the job: its unpacking fails and the worker answers `failed` once nothing more is written. */
  | { op: 'cancel'; job: number };

/** Messages from an unpack worker: `taken` returns the credit of a chunk the unpacker has read. */
export type FromWorker =
  | { op: 'taken'; job: number; bytes: number }
  | { op: 'done'; job: number; result: ExtractResult }
  | { op: 'failed'; job: number; error: WireError };

/** An error as it crosses the thread boundary: EngineErrors keep their code and message. */
export interface WireError {
  engine: boolean;
  code?: string;
  message: string;
}

export function toWire(err: unknown): WireError {
  if (err instanceof EngineError) return { engine: true, code: err.code, message: err.message };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return { engine: false, code: typeof code === 'string' ? code : undefined, message: err instanceof Error ? err.message : String(err) };
}

export function fromWire(wire: WireError): Error {
  if (wire.engine) return new EngineError(wire.code as EngineError['code'], wire.message);
  return Object.assign(new Error(wire.message), wire.code === undefined ? {} : { code: wire.code });
}
