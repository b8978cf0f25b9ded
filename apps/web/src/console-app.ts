import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { AppModule } from './app.module.js';
import { AuthService } from './auth/auth.service.js';
import { ErrorFilter } from './common/error.filter.js';
import type { ConsoleConfig } from './config/console-config.js';
import { openDatabase } from './db/database.js';
import { HostsService } from './hosts/hosts.service.js';

export interface RunningConsole {
  app: NestExpressApplication;
  /** http://host:port */
  url: string;
  /** Printed at a first start (no users yet): creates the first admin once. */
  setupToken: string | undefined;
  close(): Promise<void>;
}

/** Opens the database, starts the console's HTTP and WebSocket server, and registers the --engine hosts. */
export async function startConsole(config: ConsoleConfig, options: { logger?: false } = {}): Promise<RunningConsole> {
  const db = await openDatabase(config.databaseUrl, config.dataDir);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.with(config, db), {
    ...(options.logger === false ? { logger: false } : { logger: ['error', 'warn'] }),
  });
  app.disable('x-powered-by');
  app.useWebSocketAdapter(new WsAdapter(app, { messageParser: () => undefined }));
  app.useGlobalFilters(new ErrorFilter());
  app.useStaticAssets(config.uiDir ?? uiDir(), { index: 'index.html' });
  await app.init();
  await app.get(HostsService).start();
  const setupToken = await app.get(AuthService).issueSetupToken();
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    app, url: `http://${host}:${address.port}`, setupToken,
    async close() {
      await app.close();
      await db.$disconnect();
    },
  };
}

/** ui-dist of this package, from src/ or from dist/. */
function uiDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, '..', 'ui-dist'), join(here, '..', '..', 'ui-dist')]) if (existsSync(dir)) return dir;
  return join(here, '..', 'ui-dist');
}
