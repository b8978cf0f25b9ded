import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors.js';

/** The label dockerd puts on volumes created without a name; prune removes only those unless told `all`. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A local volume name is one path component: `[a-zA-Z0-9][a-zA-Z0-9_.-]+` (dockerd's message on failure). */
export function checkVolumeName(name: string): string {
  if (!VALID_NAME.test(name) || name.length > 255) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
  return name;
}

/** 64 hex digits, as dockerd names anonymous volumes. */
export function anonymousVolumeName(): string {
  return randomBytes(32).toString('hex');
}
