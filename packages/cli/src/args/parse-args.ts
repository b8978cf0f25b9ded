/** Docker-style flag parsing: `-it`, `-p 80:80`, `-p=80:80`, `--name x`, `--name=x`, `--`, repeated list flags. */

export type FlagType = 'bool' | 'string' | 'list' | 'int';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  description?: string;
}

export type FlagValue = boolean | string | string[] | number;

export interface ParsedArgs {
  flags: Record<string, FlagValue | undefined>;
  args: string[];
}

export interface ParseOptions {
  /** Stop reading flags at the first positional argument (`run IMAGE CMD --flag` passes --flag to CMD). */
  stopAtPositional?: boolean;
}

/** Bad command-line input; printed with a short usage line and exit status 125, as docker does. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], opts: ParseOptions = {}): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: Record<string, FlagValue | undefined> = {};
  const args: string[] = [];
  let i = 0;

  const set = (spec: FlagSpec, raw: string | undefined, shown: string): void => {
    if (spec.type === 'bool') {
      if (raw === undefined || raw === 'true') flags[spec.name] = true;
      else if (raw === 'false') flags[spec.name] = false;
      else throw new UsageError(`invalid argument "${raw}" for "${shown}" flag: expected true or false`);
      return;
    }
    if (raw === undefined) {
      if (i >= argv.length) throw new UsageError(`flag needs an argument: ${shown}`);
      raw = argv[i++]!;
    }
    if (spec.type === 'int') {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new UsageError(`invalid argument "${raw}" for "${shown}" flag: expected a whole number`);
      flags[spec.name] = n;
    } else if (spec.type === 'list') {
      flags[spec.name] = [...((flags[spec.name] as string[] | undefined) ?? []), raw];
    } else {
      flags[spec.name] = raw;
    }
  };

  while (i < argv.length) {
    const a = argv[i++]!;
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
      set(spec, eq < 0 ? undefined : a.slice(eq + 1), `--${name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // A cluster of short flags: every one but the last a bool; a value may follow attached or as the next word.
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        const spec = byShort.get(ch);
        if (!spec) throw new UsageError(`unknown shorthand flag: '${ch}' in ${a}`);
        if (spec.type === 'bool') {
          set(spec, undefined, `-${ch}`);
          continue;
        }
        const rest = a.slice(j + 1);
        set(spec, rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest, `-${ch}`);
        break;
      }
      continue;
    }
    args.push(a);
    if (opts.stopAtPositional) {
      args.push(...argv.slice(i));
      break;
    }
  }
  return { flags, args };
}

/** Typed readers over parsed flags. */
export const flag = {
  bool: (p: ParsedArgs, name: string): boolean => p.flags[name] === true,
  str: (p: ParsedArgs, name: string): string | undefined => p.flags[name] as string | undefined,
  list: (p: ParsedArgs, name: string): string[] => (p.flags[name] as string[] | undefined) ?? [],
  int: (p: ParsedArgs, name: string): number | undefined => p.flags[name] as number | undefined,
};
