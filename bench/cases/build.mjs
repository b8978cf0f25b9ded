// `docker build` through the legacy builder protocol (POST /build), which the docker CLI uses
// against both daemons since no buildx plugin is installed (dockerd: its classic builder).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate } from '../lib/alternate.mjs';
import { removeAllContainers } from './cleanup.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Ten steps on busybox: small RUN and COPY steps and metadata, as a typical small image.
const TEN_STEPS = `FROM busybox
WORKDIR /app
COPY a.txt /app/
RUN echo one > /app/one
COPY b.txt /app/
RUN echo two > /app/two && cat /app/a.txt > /dev/null
COPY dir /app/dir/
RUN ls /app > /app/list
LABEL bench=build
CMD ["cat", "/app/list"]
`;

function makeContext(files) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-build-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const tenStepContext = () => makeContext({
  Dockerfile: TEN_STEPS, 'a.txt': 'a\n', 'b.txt': 'b\n', 'dir/c.txt': 'c\n', 'dir/d.txt': 'd\n',
});

async function buildCase({ daemons, cli, opts, log }, { id, title, target, context, args, transfer = false }) {
  const dir = context();
  const tag = `bench-${id}`;
  const runOpts = transfer ? { ...opts, runs: opts.transferRuns, warmup: opts.transferWarmup } : opts;
  log(`${title}: ${runOpts.runs} runs per daemon after ${runOpts.warmup} warm-up, alternating`);
  try {
    const results = await alternate(daemons, runOpts, async (d) =>
      (await cli(d).run(['build', '-q', ...args, '-t', tag, dir], { timeoutMs: 900_000 })).ms);
    return [{ id, title, unit: 'ms', target, results }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const d of daemons) {
      await cli(d).run(['rmi', '-f', tag]).catch(() => {});
      await removeAllContainers(cli(d)).catch(() => {});
    }
  }
}

export const buildCached = {
  id: 'build-cached',
  measure: (ctx) => buildCase(ctx, {
    id: 'build-cached', title: 'build, 10 steps, all cached', target: 0.5, context: tenStepContext, args: [],
  }),
};

export const buildCold = {
  id: 'build-cold',
  measure: (ctx) => buildCase(ctx, {
    id: 'build-cold', title: 'build --no-cache, 10 steps on busybox', target: 0.5, context: tenStepContext, args: ['--no-cache'],
  }),
};

// 100 MiB of random bytes in the context; the COPY of it is cached after the warm-up, so a
// sample is the upload of the context and its hashing.
export const buildContext = {
  id: 'build-context-100m',
  measure: (ctx) => buildCase(ctx, {
    id: 'build-context-100m', title: 'build, 100 MiB context (COPY . cached)', target: 1.0, transfer: true, args: [],
    context: () => makeContext({ Dockerfile: 'FROM busybox\nCOPY . /ctx\n', 'random.bin': randomBytes(100 * 1024 * 1024) }),
  }),
};

// The Apache example cold: debian:bookworm (from scripts/base-images.sh's cached debootstrap
// tarball) plus apt-get install apache2 from Debian's archive, so network time is in both.
export const buildApache = {
  id: 'build-apache',
  async measure(ctx) {
    for (const d of ctx.daemons) {
      execFileSync('bash', [path.join(repoRoot, 'scripts/base-images.sh'), '--host', d.host], { stdio: 'inherit' });
    }
    return buildCase(ctx, {
      id: 'build-apache', title: 'build --no-cache, debian + apache2', target: 1.0, transfer: true,
      // The bench's dockerd has no NAT (--iptables=false): its RUN steps reach the archive through the host's network.
      args: ['--no-cache', '--network', 'host'],
      context: () => makeContext({ Dockerfile: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y apache2\nCMD ["apachectl", "-DFOREGROUND"]\n' }),
    });
  },
};
