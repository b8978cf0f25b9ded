// Command-line options of bench/engine.mjs.
import { parseArgs } from 'node:util';
import path from 'node:path';

export const DAEMONS = ['berthd', 'dockerd'];
export const CASES = ['run-rm', 'run-detached', 'ps-all', 'memory', 'push-256', 'pull-256', 'pull-10x8',
  'run-rm-network', 'port-1g', 'dns-50', 'stats-50', 'logs-1g', 'events-ws',
  'build-cached', 'build-cold', 'build-context-100m', 'build-apache'];

const HELP = `usage: bash bench/run.sh [options]   (or: node bench/engine.mjs [options])

  --only berthd|dockerd   measure one daemon only (no ratios)
  --runs N                timed iterations per daemon for each latency case (default 20)
  --warmup N              untimed iterations per daemon before each latency case (default 2)
  --transfer-runs N       timed iterations per daemon for each push/pull/port-1g/dns-50/logs-1g case (default 3)
  --transfer-warmup N     untimed iterations per daemon before each of those cases (default 1)
  --cases LIST            comma-separated subset of: ${CASES.join(',')}
  --ps-containers N       containers present for the ps -a case (default 200)
  --mem-containers N      running containers for the memory case (default 50)
  --dns-containers N      containers started and resolved by name in the dns-50 case (default 50)
  --stats-containers N    running containers for the stats-50 case (default 50)
  --log-mib N             MiB of log the logs-1g case's container writes (default 1024)
  --berthd PATH           berthd entry point (default packages/engine/dist/berthd.js)
  --docker PATH           docker CLI used against both daemons (default /usr/local/bin/docker)
  --berth-registry PATH   registry of the push/pull cases (default packages/registry/dist/berth-registry.js)
  --workdir DIR           scratch dir for the daemons (default: a new dir under /tmp)
  --keep-workdir          do not delete the scratch dir (daemon logs stay there)
  --results DIR           where the JSON goes (default bench/results)

  bash bench/run.sh --suite registry [options] runs the registry benchmark instead
  (bench/run-registry.sh; its options: bash bench/run-registry.sh --help).
`;

export function parseOptions(argv, repoRoot) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '2' },
      'transfer-runs': { type: 'string', default: '3' },
      'transfer-warmup': { type: 'string', default: '1' },
      cases: { type: 'string', default: CASES.join(',') },
      'ps-containers': { type: 'string', default: '200' },
      'mem-containers': { type: 'string', default: '50' },
      'dns-containers': { type: 'string', default: '50' },
      'stats-containers': { type: 'string', default: '50' },
      'log-mib': { type: 'string', default: '1024' },
      berthd: { type: 'string', default: path.join(repoRoot, 'packages/engine/dist/berthd.js') },
      docker: { type: 'string', default: '/usr/local/bin/docker' },
      'berth-registry': { type: 'string', default: path.join(repoRoot, 'packages/registry/dist/berth-registry.js') },
      workdir: { type: 'string' },
      'keep-workdir': { type: 'boolean', default: false },
      results: { type: 'string', default: path.join(repoRoot, 'bench/results') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  if (values.only !== undefined && !DAEMONS.includes(values.only)) {
    throw new Error(`--only takes ${DAEMONS.join(' or ')}, not "${values.only}"`);
  }
  const cases = values.cases.split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of cases) {
    if (!CASES.includes(c)) throw new Error(`unknown case "${c}"; known cases: ${CASES.join(', ')}`);
  }
  return {
    daemons: values.only ? [values.only] : [...DAEMONS],
    runs: positiveInt('--runs', values.runs),
    warmup: nonNegativeInt('--warmup', values.warmup),
    transferRuns: positiveInt('--transfer-runs', values['transfer-runs']),
    transferWarmup: nonNegativeInt('--transfer-warmup', values['transfer-warmup']),
    cases,
    psContainers: positiveInt('--ps-containers', values['ps-containers']),
    memContainers: positiveInt('--mem-containers', values['mem-containers']),
    dnsContainers: positiveInt('--dns-containers', values['dns-containers']),
    statsContainers: positiveInt('--stats-containers', values['stats-containers']),
    logMib: positiveInt('--log-mib', values['log-mib']),
    berthdBin: path.resolve(values.berthd),
    dockerBin: values.docker,
    berthRegistryBin: path.resolve(values['berth-registry']),
    workdir: values.workdir,
    keepWorkdir: values['keep-workdir'],
    resultsDir: path.resolve(values.results),
  };
}

export function nonNegativeInt(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} takes a whole number, not "${text}"`);
  return n;
}

export function positiveInt(flag, text) {
  const n = nonNegativeInt(flag, text);
  if (n === 0) throw new Error(`${flag} must be at least 1`);
  return n;
}
