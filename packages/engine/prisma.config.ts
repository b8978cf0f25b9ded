// For the Prisma CLI only; berthd itself migrates through src/store/migrate.ts.
// `prisma migrate deploy` (on a machine that has Prisma's schema-engine binary) applies the
// same prisma/migrations to BERTH_DATABASE_URL, by default the daemon's database.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.BERTH_DATABASE_URL ?? 'file:/var/lib/berth/berth.db' },
});
