// skopeo as the client of the image case: copies between an OCI layout dir and a registry
// over plain HTTP (--dest-tls-verify=false / --src-tls-verify=false), timed spawn to exit.
import { runTimed } from '../lib/command.mjs';

const SKOPEO = 'skopeo';
// --insecure-policy: no signature policy file is needed (machines may lack
// /etc/containers/policy.json); it changes nothing on the wire.
const GLOBAL = ['--insecure-policy'];
// --preserve-digests: the layer goes over the wire as it is (an uncompressed tar). Without it
// skopeo gzips uncompressed layers for registry and OCI destinations, and that single-threaded
// compression, not the registry, would be most of what is timed.
const COPY = ['copy', '--preserve-digests'];

export function skopeoPush(ociRef, registry, image) {
  return runTimed(SKOPEO, [...GLOBAL, ...COPY, '--dest-tls-verify=false', ociRef, `docker://${registry.hostPort}/${image}`],
    { timeoutMs: 600_000 });
}

export function skopeoPull(registry, image, ociRef) {
  return runTimed(SKOPEO, [...GLOBAL, ...COPY, '--src-tls-verify=false', `docker://${registry.hostPort}/${image}`, ociRef],
    { timeoutMs: 600_000 });
}

export async function skopeoVersion() {
  return (await runTimed(SKOPEO, ['--version'])).stdout.trim().replace(/^skopeo version /, '');
}
