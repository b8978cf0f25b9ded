import type { ErrorCode } from '@berth/sdk';

/** The registry's one error class (containerd-style codes); handlers map it to OCI error codes. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; ociCode?: OciErrorCode; detail?: unknown },
  ) {
    super(message, options);
    this.ociCode = options?.ociCode;
    this.detail = options?.detail;
  }

  /** The distribution-spec error code to answer with, when the generic mapping is not precise enough. */
  readonly ociCode: OciErrorCode | undefined;
  readonly detail: unknown;
}

/** Error codes of the OCI Distribution Specification (plus Docker's TOOMANYREQUESTS). */
export type OciErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'RANGE_INVALID';
