import { SdkError } from '../errors.js';
import { discard } from './http-transport.js';
import { manifestPath } from './manifests.js';
import { familiarString, type ImageReference } from './reference.js';
import { repositoryScope } from './registry-auth.js';
import type { RegistrySender } from './registry-session.js';
import { responseError } from './response-errors.js';

/**
 * `DELETE /v2/<name>/manifests/<reference>`. By digest the registry removes the manifest and
 * every tag on it; by tag, only the tag (where the registry supports that). A registry that
 * refuses deletion (HTTP 405, `UNSUPPORTED`) gives a NOT_IMPLEMENTED error saying so.
 */
export async function deleteManifest(sender: RegistrySender, ref: ImageReference, signal?: AbortSignal): Promise<void> {
  const byTag = ref.tag !== undefined;
  const what = `delete of ${byTag ? 'tag' : 'manifest'} ${familiarString(ref)}`;
  const res = await sender.send({
    method: 'DELETE',
    registry: ref.domain,
    target: manifestPath(ref, 'tag'),
    scopes: [repositoryScope(ref.path, 'delete')],
    signal,
  });
  if (res.status === 202 || res.status === 200 || res.status === 204) {
    discard(res);
    return;
  }
  const err = await responseError(res, what);
  // 405 is how registries say it (berth-registry answers 409 when an index still lists the
  // manifest). The CNCF distribution registry 2.x cannot delete a tag and answers a DELETE by
  // tag with 400 DIGEST_INVALID, as if the tag were a malformed digest.
  const refused = res.status === 405 || (byTag && res.status === 400 && err.ociCode === 'DIGEST_INVALID');
  if (!refused) throw err;
  const hint = byTag
    ? 'it does not delete tags (or deletion is turned off); delete the manifest by digest instead, which removes every tag on it'
    : 'deletion is turned off there (for the CNCF distribution registry: storage.delete.enabled)';
  throw new SdkError('NOT_IMPLEMENTED', `${what}: ${ref.domain} refused it (HTTP ${res.status}${err.ociCode ? ` ${err.ociCode}` : ''}): ${hint}`, {
    cause: err,
    status: res.status,
    ...(err.ociCode !== undefined && { ociCode: err.ociCode }),
  });
}
