#!/usr/bin/env node
// Writes sqlite/schema.prisma and postgresql/schema.prisma (models.prisma behind each
// provider's header), then generates both clients into src/db/generated/<provider>.
//
//   pnpm --filter @berth/web db:generate            (add --schema-only to skip the clients)
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateClients } from '@berth/db';

generateClients({ prismaDir: dirname(fileURLToPath(import.meta.url)), output: 'src/db/generated', schemaOnly: process.argv.includes('--schema-only') });
