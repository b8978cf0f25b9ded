import fs from 'node:fs';
// A static named import, so the bundle keeps only what EngineClient uses (not the whole SDK);
// this module is itself loaded only by the commands that talk to an engine.
import { EngineClient } from '@berth/sdk';
import type { Session } from '../session.js';

export type Engine = EngineClient;

/** The SDK's EngineClient for the resolved endpoint (-H, --context, BERTH_HOST/DOCKER_HOST, current context). */
export async function connectEngine(session: Session): Promise<EngineClient> {
  const endpoint = await session.endpoint();
  const tls = endpoint.tls ? await readTls(endpoint.tls) : undefined;
  return new EngineClient({ host: endpoint.host, ...(tls ? { tls } : {}) });
}

/** Contexts keep certificate paths; the SDK takes their PEM contents. */
async function readTls(paths: { ca?: string; cert?: string; key?: string }): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer }> {
  const out: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
  for (const k of ['ca', 'cert', 'key'] as const) {
    const p = paths[k];
    if (!p) continue;
    try {
      out[k] = fs.readFileSync(p);
    } catch (err) {
      throw new Error(`cannot read the context's TLS ${k} ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  }
  return out;
}
