/** Per-layer ceilings applied while unpacking a layer; each one stops a different kind of hostile archive. */
export interface ExtractLimits {
  /** Decompressed bytes of the tar stream, counted as they are produced (zlib's maxOutputLength does not apply to streams). */
  maxBytes: number;
  /** Tar entries, directories and markers included. */
  maxEntries: number;
  /** Bytes in an entry name or link target, before normalisation. */
  maxPathLength: number;
  /** Path components of an entry name after normalisation. */
  maxDepth: number;
  /** Bytes of extended (PAX and GNU long-name) headers in front of one entry, header blocks included. */
  maxPaxHeaderBytes: number;
}

export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  maxBytes: 64 * 1024 ** 3,
  maxEntries: 1_000_000,
  maxPathLength: 4096,
  maxDepth: 256,
  maxPaxHeaderBytes: 1024 ** 2,
});
