// Read synchronously: node:fs/promises (and the readline module it loads) would cost start-up time.
import fs from 'node:fs';
import path from 'node:path';

/** An engine endpoint the CLI can talk to. */
export interface ContextEntry {
  host: string;
  description?: string;
  tls?: { ca?: string; cert?: string; key?: string };
}

/** ~/.berth/config.json: contexts and registry credentials. Written 0600 in a 0700 directory. */
export interface BerthConfig {
  currentContext?: string;
  contexts: Record<string, ContextEntry>;
  /** Registry host → base64("user:password"), as docker's config.json keeps them. */
  auths: Record<string, { auth: string }>;
}

export const CONFIG_FILE = 'config.json';

export function emptyConfig(): BerthConfig {
  return { contexts: {}, auths: {} };
}

export async function loadConfig(dir: string): Promise<BerthConfig> {
  const file = path.join(dir, CONFIG_FILE);
  // Most machines have no config file: asking first is cheaper than a thrown ENOENT.
  if (!fs.existsSync(file)) return emptyConfig();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyConfig();
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: Partial<BerthConfig>;
  try {
    parsed = JSON.parse(text) as Partial<BerthConfig>;
  } catch (err) {
    throw new Error(`${file} is not valid JSON; fix or remove it`, { cause: err });
  }
  return { ...parsed, contexts: parsed.contexts ?? {}, auths: parsed.auths ?? {} };
}

/** Writes the config atomically; the file is created 0600 so credentials are never readable by others. */
export async function saveConfig(dir: string, config: BerthConfig): Promise<void> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, CONFIG_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}
