/**
 * Every command: its name, one-line summary and the module that implements it (imported only when it runs).
 * Grouped forms (`container ls`, `image rm`) resolve to the same modules as the short verbs.
 */
import type { CommandModule } from '../commands/command.js';

type Loader = () => Promise<CommandModule>;

export interface CommandEntry {
  summary: string;
  load: Loader;
}

const c = (summary: string, load: Loader): CommandEntry => ({ summary, load });

export const COMMANDS: Record<string, CommandEntry> = {
  run: c('Create and run a new container from an image', () => import('../commands/run.js')),
  create: c('Create a new container', () => import('../commands/create.js')),
  exec: c('Execute a command in a running container', () => import('../commands/exec.js')),
  ps: c('List containers', () => import('../commands/ps.js')),
  logs: c('Fetch the logs of a container', () => import('../commands/logs.js')),
  start: c('Start one or more stopped containers', () => import('../commands/lifecycle.js').then((m) => m.start)),
  stop: c('Stop one or more running containers', () => import('../commands/lifecycle.js').then((m) => m.stop)),
  restart: c('Restart one or more containers', () => import('../commands/lifecycle.js').then((m) => m.restart)),
  kill: c('Kill one or more running containers', () => import('../commands/lifecycle.js').then((m) => m.kill)),
  pause: c('Pause all processes within one or more containers', () => import('../commands/lifecycle.js').then((m) => m.pause)),
  unpause: c('Unpause all processes within one or more containers', () => import('../commands/lifecycle.js').then((m) => m.unpause)),
  rm: c('Remove one or more containers', () => import('../commands/rm.js')),
  wait: c('Block until containers stop, then print their exit codes', () => import('../commands/wait.js')),
  inspect: c('Return low-level information on Berth objects', () => import('../commands/inspect.js')),
  rename: c('Rename a container', () => import('../commands/rename.js')),
  top: c('Display the running processes of a container', () => import('../commands/top.js')),
  attach: c('Attach local standard input, output, and error streams to a running container', () => import('../commands/attach.js')),
  stats: c('Display a live stream of container(s) resource usage statistics', () => import('../commands/stats.js')),
  cp: c('Copy files/folders between a container and the local filesystem', () => import('../commands/cp.js')),
  update: c('Update configuration of one or more containers', () => import('../commands/update.js')),
  build: c('Build an image from a Dockerfile', () => import('../commands/build.js')),
  images: c('List images', () => import('../commands/images.js')),
  pull: c('Download an image from a registry', () => import('../commands/pull.js')),
  push: c('Upload an image to a registry', () => import('../commands/push.js')),
  rmi: c('Remove one or more images', () => import('../commands/rmi.js')),
  tag: c('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', () => import('../commands/tag.js')),
  history: c('Show the history of an image', () => import('../commands/history.js')),
  import: c('Import the contents from a tarball to create a filesystem image', () => import('../commands/image-archive.js').then((m) => m.importImage)),
  save: c('Save one or more images to a tar archive (streamed to STDOUT by default)', () => import('../commands/image-archive.js').then((m) => m.save)),
  load: c('Load an image from a tar archive or STDIN', () => import('../commands/image-archive.js').then((m) => m.load)),
  login: c('Log in to a registry', () => import('../commands/login.js')),
  logout: c('Log out from a registry', () => import('../commands/logout.js')),
  version: c('Show the Berth version information', () => import('../commands/version.js')),
  info: c('Display system-wide information', () => import('../commands/info.js')),
  volume: c('Manage volumes', () => import('../commands/volume.js')),
  network: c('Manage networks', () => import('../commands/network.js')),
  system: c('Manage Berth', () => import('../commands/system.js')),
  context: c('Manage contexts', () => import('../commands/context.js')),
  __complete: c('Print names for shell completion', () => import('../commands/complete.js')),
  completion: c('Print a shell completion script (bash or zsh)', () => import('../commands/completion.js')),
};

/** `berth container ls` → `ps`, `berth image rm` → `rmi`, … */
export const GROUPS: Record<string, Record<string, string>> = {
  container: {
    ls: 'ps', list: 'ps', ps: 'ps', run: 'run', create: 'create', start: 'start', stop: 'stop', restart: 'restart',
    kill: 'kill', rm: 'rm', remove: 'rm', logs: 'logs', exec: 'exec', inspect: 'inspect', top: 'top', wait: 'wait',
    rename: 'rename', pause: 'pause', unpause: 'unpause', attach: 'attach', stats: 'stats', cp: 'cp', update: 'update',
  },
  image: {
    ls: 'images', list: 'images', pull: 'pull', push: 'push', rm: 'rmi', remove: 'rmi', tag: 'tag', history: 'history',
    inspect: 'inspect', build: 'build', import: 'import', save: 'save', load: 'load',
  },
};

export interface Resolved {
  name: string;
  entry: CommandEntry;
  argv: string[];
}

/** Finds the command for argv (after global flags); undefined when there is none of that name. */
export function resolveCommand(argv: readonly string[]): Resolved | { unknown: string } {
  const [first, second, ...rest] = argv;
  if (first === undefined) return { unknown: '' };
  const group = GROUPS[first];
  if (group) {
    const target = second === undefined ? undefined : group[second];
    if (!target || !COMMANDS[target]) return { unknown: `${first} ${second ?? ''}`.trim() };
    // `image inspect` and `container inspect` look only among their own kind.
    const typed = target === 'inspect' ? ['--type', first] : [];
    return { name: `${first} ${second}`, entry: COMMANDS[target]!, argv: [...typed, ...rest] };
  }
  const entry = COMMANDS[first];
  if (!entry) return { unknown: first };
  return { name: first, entry, argv: second === undefined ? [] : [second, ...rest] };
}
