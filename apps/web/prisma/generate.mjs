#!/usr/bin/env node
// Writes sqlite/schema.prisma and postgresql/schema.prisma (models.prisma behind each
// provider's header), then generates both clients into src/db/generated/<provider>.
// `prisma generate` needs no network once PRISMA_SCHEMA_ENGINE_BINARY names any file (the
// generator is WebAssembly), so this works offline.
//
//   pnpm --filter @berth/web db:generate            (add --schema-only to skip the clients)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const prismaDir = dirname(fileURLToPath(import.meta.url));
export const PROVIDERS = ['sqlite', 'postgresql'];

export function providerSchema(provider, models = readFileSync(join(prismaDir, 'models.prisma'), 'utf8')) {
  return `// Written by prisma/generate.mjs from prisma/models.prisma: edit that file, not this one.

generator client {
  provider            = "prisma-client"
  output              = "../../src/db/generated/${provider}"
  moduleFormat        = "esm"
  runtime             = "nodejs"
  importFileExtension = "js"
}

datasource db {
  provider = "${provider}"
}

${models}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const provider of PROVIDERS) {
    const schemaPath = join(prismaDir, provider, 'schema.prisma');
    writeFileSync(schemaPath, providerSchema(provider));
    if (process.argv.includes('--schema-only')) continue;
    execFileSync('prisma', ['generate', '--schema', schemaPath], {
      stdio: 'inherit',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', PRISMA_SCHEMA_ENGINE_BINARY: schemaPath },
    });
  }
}
