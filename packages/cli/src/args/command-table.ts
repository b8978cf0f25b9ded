/**
 * Every command: its name, one-line summary and the bundle that implements it. Each file of
 * src/commands is built into its own bundle (dist/commands/NAME.cjs), loaded only when it runs.
 * Grouped forms (`container ls`, `image rm`) resolve to the same bundles as the short verbs.
 */

export interface CommandEntry {
  summary: string;
  /** The file in src/commands (and bundle in dist/commands) without extension. */
  bundle: string;
  /** The export that is the command, when the bundle holds several; else the bundle itself. */
  export?: string;
}

const c = (summary: string, bundle: string, name?: string): CommandEntry => ({ summary, bundle, ...(name ? { export: name } : {}) });

export const COMMANDS: Record<string, CommandEntry> = {
  run: c('Create and run a new container from an image', 'run'),
  create: c('Create a new container', 'create'),
  exec: c('Execute a command in a running container', 'exec'),
  ps: c('List containers', 'ps'),
  logs: c('Fetch the logs of a container', 'logs'),
  start: c('Start one or more stopped containers', 'lifecycle', 'start'),
  stop: c('Stop one or more running containers', 'lifecycle', 'stop'),
  restart: c('Restart one or more containers', 'lifecycle', 'restart'),
  kill: c('Kill one or more running containers', 'lifecycle', 'kill'),
  pause: c('Pause all processes within one or more containers', 'lifecycle', 'pause'),
  unpause: c('Unpause all processes within one or more containers', 'lifecycle', 'unpause'),
  rm: c('Remove one or more containers', 'rm'),
  wait: c('Block until containers stop, then print their exit codes', 'wait'),
  inspect: c('Return low-level information on Berth objects', 'inspect'),
  rename: c('Rename a container', 'rename'),
  top: c('Display the running processes of a container', 'top'),
  attach: c('Attach local standard input, output, and error streams to a running container', 'attach'),
  stats: c('Display a live stream of container(s) resource usage statistics', 'stats'),
  cp: c('Copy files/folders between a container and the local filesystem', 'cp'),
  update: c('Update configuration of one or more containers', 'update'),
  build: c('Build an image from a Dockerfile', 'build'),
  images: c('List images', 'images'),
  pull: c('Download an image from a registry', 'pull'),
  push: c('Upload an image to a registry', 'push'),
  rmi: c('Remove one or more images', 'rmi'),
  tag: c('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', 'tag'),
  history: c('Show the history of an image', 'history'),
  import: c('Import the contents from a tarball to create a filesystem image', 'image-archive', 'importImage'),
  save: c('Save one or more images to a tar archive (streamed to STDOUT by default)', 'image-archive', 'save'),
  load: c('Load an image from a tar archive or STDIN', 'image-archive', 'load'),
  login: c('Log in to a registry', 'login'),
  logout: c('Log out from a registry', 'logout'),
  version: c('Show the Berth version information', 'version'),
  info: c('Display system-wide information', 'info'),
  volume: c('Manage volumes', 'volume'),
  network: c('Manage networks', 'network'),
  system: c('Manage Berth', 'system'),
  context: c('Manage contexts', 'context'),
  __complete: c('Print names for shell completion', 'complete'),
  completion: c('Print a shell completion script (bash or zsh)', 'completion'),
};

/**
 * `berth container ls` → `ps`, `berth image rm` → `rmi`, …: a name is another verb of
 * COMMANDS, an entry is a command only the group has (`container prune`).
 */
export const GROUPS: Record<string, Record<string, string | CommandEntry>> = {
  container: {
    ls: 'ps', list: 'ps', ps: 'ps', run: 'run', create: 'create', start: 'start', stop: 'stop', restart: 'restart',
    kill: 'kill', rm: 'rm', remove: 'rm', logs: 'logs', exec: 'exec', inspect: 'inspect', top: 'top', wait: 'wait',
    rename: 'rename', pause: 'pause', unpause: 'unpause', attach: 'attach', stats: 'stats', cp: 'cp', update: 'update',
    prune: c('Remove all stopped containers', 'prune', 'containerPrune'),
  },
  image: {
    ls: 'images', list: 'images', pull: 'pull', push: 'push', rm: 'rmi', remove: 'rmi', tag: 'tag', history: 'history',
    inspect: 'inspect', build: 'build', import: 'import', save: 'save', load: 'load',
    prune: c('Remove unused images', 'prune', 'imagePrune'),
  },
};

export interface Resolved {
  name: string;
  entry: CommandEntry;
  argv: string[];
}

/** Finds the command for argv (after global flags); `unknown` names what is not a command. */
export function resolveCommand(argv: readonly string[]): Resolved | { unknown: string } {
  const [first, second, ...rest] = argv;
  if (first === undefined) return { unknown: '' };
  const group = GROUPS[first];
  if (group) {
    const target = second === undefined ? undefined : group[second];
    const entry = typeof target === 'string' ? COMMANDS[target] : target;
    if (!entry) return { unknown: `${first} ${second ?? ''}`.trim() };
    // `image inspect` and `container inspect` look only among their own kind.
    const typed = target === 'inspect' ? ['--type', first] : [];
    return { name: `${first} ${second}`, entry, argv: [...typed, ...rest] };
  }
  const entry = COMMANDS[first];
  if (!entry) return { unknown: first };
  return { name: first, entry, argv: second === undefined ? [] : [second, ...rest] };
}

/** What `berth container` / `berth image` alone prints: the group's commands. */
export function groupUsage(name: string, group: Record<string, string | CommandEntry>): string {
  const rows = Object.entries(group).map(([sub, target]) => `  ${sub.padEnd(8)} ${typeof target === 'string' ? `(berth ${target})` : target.summary}\n`);
  return `\nUsage:  berth ${name} COMMAND\n\nCommands:\n${rows.join('')}`;
}
