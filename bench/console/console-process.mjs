// A berth-console (apps/web/dist) for the console benchmarks: started on a free port over the
// given engines, with its first admin created; `cookie` is that admin's session.
import { spawn } from 'node:child_process';
import path from 'node:path';

export async function startConsole(repo, dataDir, engineHosts) {
  const proc = spawn(process.execPath, [path.join(repo, 'apps/web/dist/berth-console.js'), '--listen', '127.0.0.1:0', '--data-dir', dataDir, ...engineHosts.flatMap((h) => ['--engine', h])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const { url, token } = await new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      const u = /listening on (http:\S+)/.exec(out);
      const t = /setup token:\s+(\S+)/.exec(out);
      if (u && t) resolve({ url: u[1], token: t[1] });
    });
    proc.once('exit', (code) => reject(new Error(`berth-console exited (${code}): ${out}`)));
  });
  const setup = await fetch(`${url}/api/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, username: 'bench', password: 'bench-password' }) });
  if (setup.status !== 201) throw new Error(`creating the bench admin failed: ${setup.status} ${await setup.text()}`);
  const cookie = setup.headers.get('set-cookie').split(';')[0];
  return { proc, url, cookie };
}
