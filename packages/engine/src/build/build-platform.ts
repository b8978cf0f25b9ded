import { EngineError } from '../errors.js';
import { hostArchitecture } from '../images/oci-documents.js';

/** `docker build --platform`: only the host's own platform (`linux/<arch>`), as nothing here emulates another. */
export function checkBuildPlatform(platform: string, arch: string = hostArchitecture()): void {
  for (const one of platform.split(',').map((p) => p.trim().toLowerCase())) {
    if (one === '') continue;
    const [os, cpu, variant] = one.split('/');
    if (os === 'linux' && (cpu === undefined || cpu === arch) && (variant === undefined || arch !== 'amd64' || variant === 'v1')) continue;
    throw new EngineError('INVALID_ARGUMENT', `platform ${one} is not supported: this daemon builds for linux/${arch} only; leave out --platform or use linux/${arch}`);
  }
}
