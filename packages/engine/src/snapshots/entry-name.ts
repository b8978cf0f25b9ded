import { EngineError } from '../errors.js';

const MAX_COMPONENT_BYTES = 255;

/** What an entry's base name means under the OCI whiteout rules. */
export type WhiteoutMarker =
  | { kind: 'opaque' }
  | { kind: 'whiteout'; target: string }
  /** AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): carries no meaning for overlayfs and is skipped, as Docker does. */
  | { kind: 'aufs-meta' };

/** The error for a bad entry, naming it (shortened, control characters escaped) as users will see it in the tar. */
export function entryError(name: string, problem: string, cause?: unknown): EngineError {
  const shown = name.length > 160 ? `${name.slice(0, 160)}…` : name;
  return new EngineError('INVALID_ARGUMENT', `layer entry ${JSON.stringify(shown)} ${problem}`, { cause });
}

/**
 * Turns a tar entry name (or hard link target) into path components inside the layer root:
 * leading `/` and `./` are stripped, `..` components, NUL bytes, over-long names and over-deep paths are rejected.
 * An empty result means the layer root itself.
 */
export function entryComponents(name: string, limits: { maxPathLength: number; maxDepth: number }, label = name): string[] {
  if (name.includes('\0')) throw entryError(label, 'contains a NUL byte');
  const bytes = Buffer.byteLength(name);
  if (bytes > limits.maxPathLength) {
    throw entryError(label, `is ${bytes} bytes long, over the limit of ${limits.maxPathLength}`);
  }
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw entryError(label, 'escapes the layer root');
  if (parts.length > limits.maxDepth) {
    throw entryError(label, `is ${parts.length} directories deep, over the limit of ${limits.maxDepth}`);
  }
  for (const part of parts) {
    if (Buffer.byteLength(part) > MAX_COMPONENT_BYTES) {
      throw entryError(label, `has a component longer than ${MAX_COMPONENT_BYTES} bytes`);
    }
  }
  return parts;
}

/**
 * Classifies an entry (by its path components) under the OCI whiteout rules, or null for an ordinary name.
 * Degenerate markers (`.wh.`, `.wh..`, `.wh...`) and directories named like markers are rejected.
 */
export function whiteoutMarker(parts: string[], label: string): WhiteoutMarker | null {
  const base = parts.at(-1);
  if (base === undefined) return null;
  if (parts.some((part) => part.startsWith('.wh..wh.') && part !== '.wh..wh..opq')) return { kind: 'aufs-meta' };
  if (parts.slice(0, -1).some((part) => part.startsWith('.wh.'))) {
    throw entryError(label, 'lies inside a whiteout marker');
  }
  if (!base.startsWith('.wh.')) return null;
  if (base === '.wh..wh..opq') return { kind: 'opaque' };
  const target = base.slice('.wh.'.length);
  if (target === '' || target === '.' || target === '..') {
    throw entryError(label, 'is a degenerate whiteout (it names no file in the layer below)');
  }
  return { kind: 'whiteout', target };
}
