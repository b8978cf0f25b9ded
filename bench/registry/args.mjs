// Command-line options of bench/registry.mjs.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { nonNegativeInt, positiveInt } from '../lib/args.mjs';

export const REGISTRIES = ['berth', 'distribution'];
export const CASES = ['blob-curl', 'skopeo-copy', 'tags-list', 'concurrent-push'];

const HELP = `usage: bash bench/run-registry.sh [options]   (or: node bench/registry.mjs [options])

  --only berth|distribution  measure one registry only (no ratios)
  --runs N                   timed iterations per registry for each transfer case (default 5)
  --warmup N                 untimed iterations per registry before each case (default 1)
  --list-runs N              timed tags/list requests per registry (default 30)
  --cases LIST               comma-separated subset of: ${CASES.join(',')}
  --blob-mib N               size of the single blob and of the skopeo layer (default 256)
  --tags N                   tags in the tags/list repository (default 10000)
  --concurrent N             parallel pushes in the concurrent case (default 32)
  --concurrent-mib N         size of each of those blobs (default 16)
  --berth-registry PATH      Berth registry entry point (default packages/registry/dist/berth-registry.js)
  --distribution PATH        the peer's binary (default docker-registry)
  --workdir DIR              scratch dir (default: a new dir under /tmp)
  --keep-workdir             do not delete the scratch dir (registry logs stay there)
  --results DIR              where the JSON goes (default bench/results)
`;

export function parseOptions(argv, repoRoot) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      'list-runs': { type: 'string', default: '30' },
      cases: { type: 'string', default: CASES.join(',') },
      'blob-mib': { type: 'string', default: '256' },
      tags: { type: 'string', default: '10000' },
      concurrent: { type: 'string', default: '32' },
      'concurrent-mib': { type: 'string', default: '16' },
      'berth-registry': { type: 'string', default: path.join(repoRoot, 'packages/registry/dist/berth-registry.js') },
      distribution: { type: 'string', default: 'docker-registry' },
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
  if (values.only !== undefined && !REGISTRIES.includes(values.only)) {
    throw new Error(`--only takes ${REGISTRIES.join(' or ')}, not "${values.only}"`);
  }
  const cases = values.cases.split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of cases) {
    if (!CASES.includes(c)) throw new Error(`unknown case "${c}"; known cases: ${CASES.join(', ')}`);
  }
  return {
    registries: values.only ? [values.only] : [...REGISTRIES],
    runs: positiveInt('--runs', values.runs),
    warmup: nonNegativeInt('--warmup', values.warmup),
    listRuns: positiveInt('--list-runs', values['list-runs']),
    cases,
    blobBytes: positiveInt('--blob-mib', values['blob-mib']) * 2 ** 20,
    tags: positiveInt('--tags', values.tags),
    concurrent: positiveInt('--concurrent', values.concurrent),
    concurrentBytes: positiveInt('--concurrent-mib', values['concurrent-mib']) * 2 ** 20,
    berthRegistryBin: path.resolve(values['berth-registry']),
    distributionBin: values.distribution,
    workdir: values.workdir,
    keepWorkdir: values['keep-workdir'],
    resultsDir: path.resolve(values.results),
  };
}
