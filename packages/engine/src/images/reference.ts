import * as sdk from '@berth/sdk';
import { EngineError } from '../errors.js';

/**
 * Docker image references for the engine: the grammar lives in `@berth/sdk` (the registry
 * client resolves references the same way); this wrapper turns its errors into EngineErrors
 * with the same code and message, so the API edge maps them like every other engine error.
 */
export type { ImageReference } from '@berth/sdk';
export { DEFAULT_DOMAIN, DEFAULT_TAG, FULL_ID, familiarName, familiarString, fullName, isDigest, withDefaultTag } from '@berth/sdk';

function engineErrors<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof sdk.SdkError) throw new EngineError(err.code, err.message, { cause: err });
      throw err;
    }
  };
}

/** Validates `algorithm:hex` the way go-digest does; returns the digest or throws. */
export const parseDigest = engineErrors(sdk.parseDigest);
/** Parses a user-supplied reference into its fully qualified parts (no implicit tag). */
export const parseReference = engineErrors(sdk.parseReference);
/** Parses and sets the tag (replacing one given in `repo`), as `docker tag` and import do. */
export const parseRepoTag = engineErrors(sdk.parseRepoTag);
/** Parses a stored or user reference and returns its normalised short form with default tag. */
export const normalizeReference = engineErrors(sdk.normalizeReference);
