import os from 'node:os';
import path from 'node:path';
import type { Writable, Readable } from 'node:stream';
import { loadConfig, saveConfig, type BerthConfig } from './context/config-file.js';
import { resolveEndpoint, type Endpoint } from './context/resolve-endpoint.js';
import { useColour } from './output/colour.js';

export interface GlobalOptions {
  host?: string;
  context?: string;
  config?: string;
}

export interface Env {
  BERTH_HOST?: string;
  DOCKER_HOST?: string;
  BERTH_CONTEXT?: string;
  BERTH_CONFIG?: string;
  NO_COLOR?: string;
  TERM?: string;
  HOME?: string;
  BERTH_CODE_CACHE?: string;
  XDG_CACHE_HOME?: string;
}

/** What every command gets: its streams, the environment (read once), the config and the engine it talks to. */
export class Session {
  readonly configDir: string;
  private config: BerthConfig | undefined;
  private input: (Readable & { isTTY?: boolean }) | undefined;

  constructor(
    readonly globals: GlobalOptions,
    readonly env: Env,
    readonly stdout: Writable & { isTTY?: boolean; columns?: number },
    readonly stderr: Writable & { isTTY?: boolean },
    /** Called on first use: opening process.stdin costs start-up time most commands do not need. */
    private readonly openStdin: () => Readable & { isTTY?: boolean },
  ) {
    this.configDir = globals.config ?? env.BERTH_CONFIG ?? path.join(env.HOME ?? os.homedir(), '.berth');
  }

  get stdin(): Readable & { isTTY?: boolean } {
    this.input ??= this.openStdin();
    return this.input;
  }

  get isTerminal(): boolean {
    return this.stdout.isTTY === true;
  }

  /** Width to fit tables to, only on a terminal. */
  get width(): number | undefined {
    return this.isTerminal ? this.stdout.columns : undefined;
  }

  get colour(): boolean {
    return useColour(this.isTerminal, this.env);
  }

  async loadConfig(): Promise<BerthConfig> {
    this.config ??= await loadConfig(this.configDir);
    return this.config;
  }

  async saveConfig(config: BerthConfig): Promise<void> {
    this.config = config;
    await saveConfig(this.configDir, config);
  }

  async endpoint(): Promise<Endpoint> {
    return resolveEndpoint({ hostFlag: this.globals.host, contextFlag: this.globals.context, env: this.env, config: await this.loadConfig() });
  }

  out(text: string): void {
    this.stdout.write(text);
  }

  err(text: string): void {
    this.stderr.write(text);
  }
}
