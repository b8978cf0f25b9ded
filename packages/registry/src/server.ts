import { mkdir } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApiListener, TOKEN_PATH } from './api/handler.js';
import { RegistryEvents } from './api/events.js';
import { eventsRoute, isEventsRequest } from './api/events-route.js';
import type { SubscriberLimits } from './api/events-subscriber.js';
import { createAuthenticator, type AuthConfig } from './auth/authenticator.js';
import { loadTlsOptions } from './auth/tls.js';
import type { RegistryConfig } from './config.js';
import { startGarbageCollector, type GarbageCollector } from './gc/garbage-collector.js';
import { createLogger } from './logger.js';
import type { RegistryMetadata } from './metadata/registry-metadata.js';
import { BlobStore } from './storage/blob-store.js';
import { FilesystemDriver } from './storage/filesystem-driver.js';

export interface StartOptions {
  logger?: Logger;
  /** A metadata store to use instead of opening `config.database` (embedding, tests); not closed by `close()`. */
  metadata?: RegistryMetadata;
  /** Keep-alive and stall limits of event stream subscribers (`GET /berth/v1/events`). */
  eventStream?: Partial<SubscriberLimits>;
}

export interface RunningRegistry {
  /** Where the registry answers, e.g. `http://127.0.0.1:5000` (a wildcard address shows as loopback). */
  url: string;
  /** Every push, pull and delete (also served as Server-Sent Events on `GET /berth/v1/events`). */
  events: RegistryEvents;
  /** Stops accepting requests, cuts open connections, stops the collector and closes the stores. */
  close(): Promise<void>;
}

/** The stores a registry process works on, opened from the config. */
export interface RegistryStores {
  blobs: BlobStore;
  metadata: RegistryMetadata;
}

// Large buffers for request and response streams: blobs move in big chunks.
const STREAM_HIGH_WATER_MARK = 1024 * 1024;

/** Opens blob storage and the metadata database the config names. */
export async function openStores(config: RegistryConfig, metadata?: RegistryMetadata): Promise<RegistryStores> {
  await mkdir(config.storage, { recursive: true });
  const blobs = new BlobStore(new FilesystemDriver(config.storage));
  if (metadata !== undefined) return { blobs, metadata };
  // Loaded on demand: embedders that bring their own metadata store never load Prisma.
  const { openMetadata } = await import('./metadata/prisma-metadata.js');
  return { blobs, metadata: await openMetadata(config.database) };
}

/**
 * Starts a registry: storage, metadata, auth, the online garbage collector and the HTTP(S)
 * server, wired once here. Resolves when it is listening.
 */
export async function startRegistry(config: RegistryConfig, options: StartOptions = {}): Promise<RunningRegistry> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const stores = await openStores(config, options.metadata);
  const ownsMetadata = options.metadata === undefined;
  let server: http.Server | undefined;
  let collector: GarbageCollector | undefined;
  try {
    const tls = config.tls === undefined ? undefined : await loadTlsOptions(config.tls);
    if (tls !== undefined && tls.notAfter.getTime() < Date.now() + 14 * 86_400_000) {
      logger.warn({ notAfter: tls.notAfter, certFile: config.tls?.certFile }, 'the TLS certificate expires within 14 days');
    }
    // Requests that arrive before the handler is ready (auth needs the bound URL) wait for it.
    let listener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
    let ready!: (l: (req: IncomingMessage, res: ServerResponse) => void) => void;
    const handlerReady = new Promise<(req: IncomingMessage, res: ServerResponse) => void>((resolve) => (ready = resolve));
    const dispatch = (req: IncomingMessage, res: ServerResponse): void => {
      if (listener !== undefined) listener(req, res);
      else void handlerReady.then((l) => l(req, res));
    };
    const serverOptions = { highWaterMark: STREAM_HIGH_WATER_MARK, requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 30_000 };
    server = tls === undefined
      ? http.createServer(serverOptions, dispatch)
      : https.createServer({ ...serverOptions, cert: tls.cert, key: tls.key }, dispatch);
    const address = await listen(server, config.listen.host, config.listen.port);
    const url = `${tls === undefined ? 'http' : 'https'}://${urlHost(address.address)}:${address.port}`;
    const auth = await createAuthenticator(authConfig(config, url));
    const events = new RegistryEvents();
    events.onListenerError = (err) => logger.error({ err }, 'a registry event listener failed');
    const api = createApiListener(
      { ...stores, events, logger, anonymousMount: auth.mode === 'none' },
      auth,
    );
    const streamEvents = eventsRoute({ events, auth, logger, ...(options.eventStream !== undefined && { limits: options.eventStream }) });
    listener = (req, res) => (isEventsRequest(req) ? streamEvents(req, res) : api(req, res));
    ready(listener);
    collector = startGarbageCollector(stores, config.gc, logger);
    logger.info({ url, storage: config.storage, auth: auth.mode, gc: config.gc }, 'berth-registry listening');
    const running = server;
    const runningCollector = collector;
    return {
      url,
      events,
      close: async () => {
        await runningCollector.stop();
        await closeServer(running);
        if (ownsMetadata) await stores.metadata.close();
      },
    };
  } catch (err) {
    await collector?.stop().catch(() => undefined);
    if (server !== undefined) await closeServer(server).catch(() => undefined);
    if (ownsMetadata) await stores.metadata.close().catch(() => undefined);
    throw err;
  }
}

/** Token mode without a realm sends clients to this server's own token endpoint. */
function authConfig(config: RegistryConfig, url: string): AuthConfig {
  const auth = config.auth;
  if (auth.mode !== 'token') return auth;
  return { ...auth, realm: auth.realm ?? `${url}${TOKEN_PATH}` };
}

function listen(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlHost(address: string): string {
  if (address === '0.0.0.0' || address === '') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}
