import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { loadConfig, saveConfig, type BerthConfig } from './context/config-file.js';
import { resolveEndpoint, type Endpoint } from './context/resolve-endpoint.js';
import { useColour } from './output/colour.js';
import type { OutputStream, ProcessOutput } from './terminal/process-output.js';

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
    private readonly output: ProcessOutput,
    private readonly errors: ProcessOutput,
    /** Called on first use: opening process.stdin costs start-up time most commands do not need. */
    private readonly openStdin: () => Readable & { isTTY?: boolean },
  ) {
    this.configDir = globals.config ?? env.BERTH_CONFIG ?? path.join(env.HOME ?? os.homedir(), '.berth');
  }

  /** Standard output as a stream, for commands that pipe into it or watch its size. */
  get stdout(): OutputStream {
    return this.output.stream;
  }

  get stderr(): OutputStream {
    return this.errors.stream;
  }

  get stdin(): Readable & { isTTY?: boolean } {
    this.input ??= this.openStdin();
    return this.input;
  }

  get isTerminal(): boolean {
    return this.output.isTTY;
  }

  /** Width to fit tables to, only on a terminal. */
  get width(): number | undefined {
    return this.output.columns;
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
    this.output.write(text);
  }

  err(text: string): void {
    this.errors.write(text);
  }
}
