import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What a finished command printed. */
export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** A command that could not run or exited non-zero; shaped like `execFile`'s error. */
export class CommandError extends Error {
  override readonly name = 'CommandError';

  constructor(
    message: string,
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface CommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Written to the command's stdin (otherwise stdin is empty). */
  input?: string;
}

/**
 * Runs short host commands (runc, mount, ps) through a small helper process. Forking the
 * daemon itself copies its page tables, which costs several milliseconds per command once the
 * heap is large; the helper stays small, so a container start pays that cost once, not four
 * times. Falls back to a direct spawn when the helper is unavailable.
 */
export function runCommand(file: string, args: string[], opts: CommandOptions = {}): Promise<CommandResult> {
  const helper = CommandHelper.shared();
  return helper ? helper.run(file, args, opts) : direct(file, args, opts);
}

function direct(file: string, args: string[], opts: CommandOptions): Promise<CommandResult> {
  const { input, ...rest } = opts;
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, ...rest }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, stderr });
      const code = typeof err.code === 'number' ? err.code : null;
      reject(new CommandError(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`, code, stdout, stderr));
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}

const HELPER_SOURCE = String.raw`
import json, subprocess, sys, threading
lock = threading.Lock()
def handle(req):
    try:
        io = {'input': req['input'].encode()} if req.get('input') is not None else {'stdin': subprocess.DEVNULL}
        p = subprocess.run(req['argv'], cwd=req.get('cwd'), env=req.get('env'), capture_output=True, **io)
        res = {'id': req['id'], 'code': p.returncode, 'stdout': p.stdout.decode('utf-8', 'replace'), 'stderr': p.stderr.decode('utf-8', 'replace')}
    except Exception as e:
        res = {'id': req['id'], 'code': None, 'error': str(e), 'stdout': '', 'stderr': ''}
    with lock:
        sys.stdout.write(json.dumps(res) + '\n')
        sys.stdout.flush()
for line in sys.stdin:
    threading.Thread(target=handle, args=(json.loads(line),), daemon=True).start()
`;

interface Pending {
  resolve: (r: CommandResult) => void;
  reject: (e: Error) => void;
  label: string;
}

class CommandHelper {
  private static instance: CommandHelper | null | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private alive = true;

  private constructor(private readonly child: ChildProcess) {
    child.on('exit', () => this.fail(new Error('command helper exited')));
    child.on('error', (err) => this.fail(err));
    child.stdin!.on('error', () => {});
    createInterface({ input: child.stdout! }).on('line', (line) => this.answer(line));
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void })?.unref?.();
  }

  /** The helper for this process, started on first use; null when python3 cannot run. */
  static shared(): CommandHelper | null {
    if (CommandHelper.instance === undefined || (CommandHelper.instance && !CommandHelper.instance.alive)) {
      try {
        const child = spawn('python3', ['-c', HELPER_SOURCE], { stdio: ['pipe', 'pipe', 'ignore'] });
        CommandHelper.instance = new CommandHelper(child);
      } catch {
        CommandHelper.instance = null;
      }
    }
    return CommandHelper.instance;
  }

  run(file: string, args: string[], opts: CommandOptions): Promise<CommandResult> {
    const id = this.nextId++;
    const label = `${file} ${args.join(' ')}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, label });
      if (this.pending.size === 1) this.hold(true);
      const request = { id, argv: [file, ...args], cwd: opts.cwd ?? null, env: opts.env ?? null, input: opts.input ?? null };
      this.child.stdin!.write(JSON.stringify(request) + '\n');
    }).catch((err: Error) => {
      if (err instanceof CommandError) throw err;
      return direct(file, args, opts);
    }) as Promise<CommandResult>;
  }

  private answer(line: string): void {
    const res = JSON.parse(line) as { id: number; code: number | null; error?: string; stdout: string; stderr: string };
    const entry = this.pending.get(res.id);
    if (!entry) return;
    this.pending.delete(res.id);
    if (this.pending.size === 0) this.hold(false);
    if (res.code === 0) entry.resolve({ stdout: res.stdout, stderr: res.stderr });
    else if (res.error !== undefined) entry.reject(new Error(res.error));
    else entry.reject(new CommandError(`${entry.label}: ${res.stderr.trim() || `exit status ${res.code}`}`, res.code, res.stdout, res.stderr));
  }

  /** The helper keeps the process alive only while a command is under way. */
  private hold(on: boolean): void {
    const out = this.child.stdout as unknown as { ref?: () => void; unref?: () => void } | null;
    if (on) out?.ref?.();
    else out?.unref?.();
  }

  private fail(err: Error): void {
    this.alive = false;
    for (const entry of this.pending.values()) entry.reject(err);
    this.pending.clear();
  }
}
