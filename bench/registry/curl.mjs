// curl as the client of the single-blob case: a monolithic upload (POST, then PUT of the
// file streamed with -T) and a GET to /dev/null. Every call is a curl process, timed from
// spawn to exit, so curl's start-up (a few ms) is in both columns alike.
import { runTimed } from '../lib/command.mjs';
import { withDigest } from './http-client.mjs';

const CURL = 'curl';
// -H 'Expect:': no 100-continue round trip before the body, as docker and skopeo send it.
const COMMON = ['-sS', '--no-progress-meter', '-H', 'Expect:'];

export async function curlPushBlob(registry, name, { file, size, digest }) {
  const post = await runTimed(CURL, [...COMMON, '-X', 'POST', '-o', '/dev/null',
    '-w', '%{http_code}\n%header{location}', `${registry.url}/v2/${name}/blobs/uploads/`]);
  const [postStatus, location] = post.stdout.split('\n');
  if (postStatus !== '202' || !location) {
    throw new Error(`curl POST /v2/${name}/blobs/uploads/: HTTP ${postStatus}, Location "${location ?? ''}"`);
  }
  const put = await runTimed(CURL, [...COMMON, '-T', file, '-H', 'Content-Type: application/octet-stream',
    '-o', '-', '-w', '\n%{http_code} %{size_upload} %{time_total}', withDigest(new URL(location, registry.url).href, digest)],
  { timeoutMs: 600_000 });
  const [status, uploaded, curlSeconds] = put.stdout.slice(put.stdout.lastIndexOf('\n') + 1).split(' ');
  if (status !== '201') throw new Error(`curl PUT of ${size} bytes: HTTP ${status}: ${put.stdout.slice(0, 400)}`);
  if (Number(uploaded) !== size) throw new Error(`curl PUT sent ${uploaded} of ${size} bytes`);
  return { ms: post.ms + put.ms, postMs: post.ms, putMs: put.ms, putCurlMs: Number(curlSeconds) * 1000 };
}

export async function curlPullBlob(registry, name, { size, digest }) {
  const get = await runTimed(CURL, [...COMMON, '-L', '-o', '/dev/null',
    '-w', '%{http_code} %{size_download} %{time_total}', `${registry.url}/v2/${name}/blobs/${digest}`],
  { timeoutMs: 600_000 });
  const [status, downloaded, curlSeconds] = get.stdout.trim().split(' ');
  if (status !== '200') throw new Error(`curl GET blob: HTTP ${status}`);
  if (Number(downloaded) !== size) throw new Error(`curl GET blob received ${downloaded} of ${size} bytes`);
  return { ms: get.ms, curlMs: Number(curlSeconds) * 1000 };
}
