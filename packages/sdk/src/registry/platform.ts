import { NotFoundError, SdkError } from '../errors.js';
import type { Descriptor, ImageIndex, Platform } from '../protocol/manifests.js';

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64' };

/** `linux/amd64`, `linux/arm64/v8` → a Platform (architecture aliases such as x86_64 normalised). */
export function parsePlatform(value: string): Platform {
  const [os, architecture, variant, ...rest] = value.toLowerCase().split('/');
  if (!os || !architecture || variant === '' || rest.length > 0) {
    throw new SdkError('INVALID_ARGUMENT', `invalid platform "${value}": use os/architecture[/variant], e.g. linux/amd64`);
  }
  const platform: Platform = { os, architecture: ARCH_ALIASES[architecture] ?? architecture };
  if (variant !== undefined) platform.variant = variant;
  return platform;
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter((p) => p !== undefined && p !== '').join('/');
}

/** arm64 means arm64/v8 unless it says otherwise (containerd's normalisation). */
function variantOf(platform: Platform): string | undefined {
  return platform.variant ?? (platform.architecture === 'arm64' ? 'v8' : undefined);
}

/**
 * The entry of an index or manifest list for `want` (first match, in the index's order of
 * preference); a variant is only compared when `want` names one. `what` names the image.
 */
export function selectPlatform(index: ImageIndex, want: Platform, what: string): Descriptor {
  const arch = ARCH_ALIASES[want.architecture] ?? want.architecture;
  const wantVariant = want.variant === undefined ? undefined : variantOf({ ...want, architecture: arch });
  const found = index.manifests.find((d) => {
    const p = d.platform;
    if (p === undefined || p.os !== want.os || (ARCH_ALIASES[p.architecture] ?? p.architecture) !== arch) return false;
    return wantVariant === undefined || variantOf(p) === wantVariant;
  });
  if (found !== undefined) return found;
  const offered = index.manifests.flatMap((d) => (d.platform === undefined ? [] : [formatPlatform(d.platform)]));
  throw new NotFoundError(
    `no matching manifest for ${formatPlatform(want)} in the manifest list entries of ${what}` +
      (offered.length > 0 ? ` (it has ${offered.join(', ')})` : ''),
  );
}
