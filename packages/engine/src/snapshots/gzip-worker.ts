import { parentPort } from 'node:worker_threads';
import { gzipMember } from '../images/parallel-gzip.js';
import type { GzipReply, GzipRequest } from './gzip-pool.js';
import { ownBuffer } from './unpack-pool.js';

/*
 * The worker thread side of `GzipPool`: compresses each block it is sent into one gzip member (`gzipMember`, the
 * same member the daemon's own thread would make) and sends it back, the memory transferred, not copied.
 */

const port = parentPort;
if (!port) throw new Error('gzip-worker must run in a worker thread');

port.on('message', (request: GzipRequest) => {
  let reply: GzipReply;
  try {
    // A member may be a view on a larger buffer (or zlib's shared pool): only its own bytes are handed over.
    const member = ownBuffer(gzipMember(Buffer.from(request.block), request.opts));
    reply = { job: request.job, member: new Uint8Array(member) };
    port.postMessage(reply, [member]);
  } catch (err) {
    reply = { job: request.job, error: err instanceof Error ? err.message : String(err) };
    port.postMessage(reply);
  }
});
