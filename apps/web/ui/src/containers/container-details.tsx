import type { ContainerInspect } from '../api/types';
import { dateTime, shortId } from '../format/format';

function ports(c: ContainerInspect): string[] {
  const out: string[] = [];
  for (const [port, binds] of Object.entries(c.HostConfig.PortBindings ?? {})) {
    for (const b of (binds ?? []) as { HostIp?: string; HostPort?: string }[]) out.push(`${b.HostIp ? b.HostIp + ':' : ''}${b.HostPort || '(any)'} → ${port}`);
  }
  return out;
}

/** What inspect tells about a container, in a readable list, with the raw JSON below. */
export function ContainerDetails({ c }: { c: ContainerInspect }) {
  const rows: [string, string | string[]][] = [
    ['ID', c.Id],
    ['Image', `${c.Config.Image} (${shortId(c.Image)})`],
    ['Command', [c.Path, ...(c.Args ?? [])].join(' ')],
    ['State', `${c.State.Status}${c.State.Status === 'exited' ? ` (exit code ${c.State.ExitCode})` : ''}${c.State.Error ? ` — ${c.State.Error}` : ''}`],
    ['Created', dateTime(c.Created)],
    ['Started', dateTime(c.State.StartedAt?.startsWith('0001') ? null : c.State.StartedAt)],
    ['Finished', dateTime(c.State.FinishedAt?.startsWith('0001') ? null : c.State.FinishedAt)],
    ['Restart policy', `${c.HostConfig.RestartPolicy?.Name || 'no'} (restarted ${c.RestartCount} times)`],
    ['Ports', ports(c)],
    ['Environment', c.Config.Env ?? []],
    ['Mounts', (c.Mounts ?? []).map((m) => `${m.Type}: ${m.Name ?? m.Source} → ${m.Destination}${m.RW ? '' : ' (ro)'}`)],
    ['Networks', Object.entries(c.NetworkSettings?.Networks ?? {}).map(([n, e]) => `${n}: ${(e as { IPAddress?: string }).IPAddress || '–'}`)],
  ];
  return (
    <div>
      <dl class="details">
        {rows.map(([k, v]) => (
          <div key={k} class="detail-row">
            <dt>{k}</dt>
            <dd>{Array.isArray(v) ? (v.length ? <ul>{v.map((x) => <li key={x}><code>{x}</code></li>)}</ul> : '–') : v}</dd>
          </div>
        ))}
      </dl>
      <details>
        <summary>Raw inspect JSON</summary>
        <pre class="json">{JSON.stringify(c, null, 2)}</pre>
      </details>
    </div>
  );
}
