import type { InfoResponse, VersionResponse } from '../protocol/system.js';
import type { CallOptions } from './call-options.js';
import { ContainersApi } from './containers-api.js';
import { DEFAULT_UNIX_SOCKET, type EngineTlsOptions } from './engine-host.js';
import { EngineTransport } from './engine-transport.js';
import { ExecApi } from './exec-api.js';
import { ImagesApi } from './images-api.js';
import { NativeStream } from './native-stream.js';
import { NetworksApi } from './networks-api.js';
import { SystemApi } from './system-api.js';
import { VolumesApi } from './volumes-api.js';

export interface EngineClientOptions {
  /** `unix:///path/to/berth.sock`, `tcp://host:port`; default `unix:///var/run/docker.sock`. */
  host?: string;
  /** Mutual TLS for a `tcp://` host (PEM contents). */
  tls?: EngineTlsOptions;
  /** Pin the API version (e.g. `1.44`) instead of negotiating it with `/_ping`. */
  version?: string;
  /** Keep-alive connections kept open to the engine; default 64. */
  maxSockets?: number;
}

/** The environment `fromEnv` reads: Docker's variable names. */
export interface EngineEnv {
  DOCKER_HOST?: string | undefined;
  DOCKER_TLS_VERIFY?: string | undefined;
  DOCKER_API_VERSION?: string | undefined;
  /** Used only with DOCKER_CERT_PATH: the PEM files are read by `fromEnv`. */
  DOCKER_CERT_PATH?: string | undefined;
}

/** Loosely-typed credential check (`POST /auth`). */
export interface AuthRequest {
  username: string;
  password: string;
  serveraddress: string;
}

/**
 * A typed client of the Docker Engine API as berthd serves it. One instance keeps a
 * keep-alive connection pool; `close()` releases it.
 */
export class EngineClient {
  readonly transport: EngineTransport;
  readonly containers: ContainersApi;
  readonly exec: ExecApi;
  readonly images: ImagesApi;
  readonly volumes: VolumesApi;
  readonly networks: NetworksApi;
  readonly system: SystemApi;
  private native: NativeStream | undefined;
  private readonly tls: EngineTlsOptions | undefined;

  constructor(options: EngineClientOptions = {}) {
    this.transport = new EngineTransport({
      host: options.host ?? `unix://${DEFAULT_UNIX_SOCKET}`,
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.version ? { version: options.version } : {}),
      ...(options.maxSockets ? { maxSockets: options.maxSockets } : {}),
    });
    this.containers = new ContainersApi(this.transport);
    this.exec = new ExecApi(this.transport);
    this.images = new ImagesApi(this.transport);
    this.volumes = new VolumesApi(this.transport);
    this.networks = new NetworksApi(this.transport);
    this.system = new SystemApi(this.transport);
    this.tls = options.tls;
  }

  /** Berth's native stream (events, logs, stats over one WebSocket), opened on its first subscription. */
  get stream(): NativeStream {
    this.native ??= new NativeStream(this.transport.address, this.tls);
    return this.native;
  }

  /** A client configured like the docker CLI from DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION. */
  static async fromEnv(env: EngineEnv = process.env): Promise<EngineClient> {
    const options: EngineClientOptions = {};
    if (env.DOCKER_HOST) options.host = env.DOCKER_HOST;
    if (env.DOCKER_API_VERSION) options.version = env.DOCKER_API_VERSION;
    const verify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
    if (verify || env.DOCKER_CERT_PATH) {
      const { readFile } = await import('node:fs/promises');
      const dir = env.DOCKER_CERT_PATH || `${process.env.HOME ?? ''}/.docker`;
      const read = (name: string): Promise<Buffer | undefined> => readFile(`${dir}/${name}`).catch(() => undefined);
      const [ca, cert, key] = await Promise.all([read('ca.pem'), read('cert.pem'), read('key.pem')]);
      options.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), rejectUnauthorized: verify };
    }
    return new EngineClient(options);
  }

  /** The API version in use (negotiated on first call). */
  apiVersion(opts: CallOptions = {}): Promise<string> {
    return this.transport.apiVersion(opts.signal);
  }

  ping(opts: CallOptions = {}): ReturnType<SystemApi['ping']> {
    return this.system.ping(opts);
  }

  version(opts: CallOptions = {}): Promise<VersionResponse> {
    return this.system.version(opts);
  }

  info(opts: CallOptions = {}): Promise<InfoResponse> {
    return this.system.info(opts);
  }

  /** Checks registry credentials through the engine (`docker login`). */
  auth(body: AuthRequest, opts: CallOptions = {}): Promise<{ Status: string; IdentityToken?: string }> {
    return this.transport.json({ method: 'POST', path: '/auth', body, signal: opts.signal });
  }

  /** Closes idle connections; calls in flight finish. */
  close(): void {
    this.native?.close();
    this.transport.close();
  }
}
