import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api/http';
import { roleAtLeast } from '../api/roles';
import type { ImageSummary, Merged, Network, RunRequest } from '../api/types';
import { Field } from '../controls/field';
import { SubmitForm } from '../controls/submit-form';
import { HostSelect } from '../hosts/host-select';
import { navigate } from '../routing/hash-route';
import { session } from '../session/session';
import { notify } from '../shell/notices';
import { useStore } from '../store/store';

const lines = (s: string) => s.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);

/** Splits a command line into words, honouring "double" and 'single' quotes. */
export function splitCommand(s: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** The "run a container" form: image, name, command, ports, env, volumes, network, restart policy. */
export function RunPage() {
  const { user } = useStore(session);
  const [hostId, setHostId] = useState<number | null>(null);
  const [image, setImage] = useState('');
  const [name, setName] = useState('');
  const [cmd, setCmd] = useState('');
  const [ports, setPorts] = useState('');
  const [env, setEnv] = useState('');
  const [volumes, setVolumes] = useState('');
  const [network, setNetwork] = useState('');
  const [restart, setRestart] = useState<NonNullable<RunRequest['restartPolicy']>>('no');
  const [images, setImages] = useState<string[]>([]);
  const [networks, setNetworks] = useState<string[]>([]);

  useEffect(() => {
    if (hostId === null) return;
    void get<Merged<ImageSummary>>('/api/images').then((r) => setImages(r.items.filter((i) => i.hostId === hostId).flatMap((i) => i.RepoTags ?? []))).catch(() => {});
    void get<Merged<Network>>('/api/networks').then((r) => setNetworks(r.items.filter((n) => n.hostId === hostId).map((n) => n.Name))).catch(() => {});
  }, [hostId]);

  const run = async () => {
    const body: RunRequest = {
      image: image.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(cmd.trim() ? { cmd: splitCommand(cmd) } : {}),
      ...(lines(ports).length ? { ports: lines(ports) } : {}),
      ...(env.trim() ? { env: env.split('\n').map((x) => x.trim()).filter(Boolean) } : {}),
      ...(lines(volumes).length ? { volumes: lines(volumes) } : {}),
      ...(network ? { network } : {}),
      restartPolicy: restart,
    };
    const r = await post<{ id: string; warnings: string[] | null }>(`/api/hosts/${hostId}/containers`, body);
    for (const w of r.warnings ?? []) notify('ok', `Warning: ${w}`);
    navigate('containers', hostId!, r.id);
  };

  const allowed = roleAtLeast(user?.role, 'operator');
  return (
    <section>
      <header class="page-head"><h1>Run a container</h1></header>
      <SubmitForm label="Run" onSubmit={run} disabled={!allowed || hostId === null} disabledReason={`Needs the operator role (you are ${user?.role})`} class="grid-form">
        <HostSelect value={hostId} onChange={setHostId} />
        <Field label="Image"><input name="image" required list="run-images" placeholder="busybox:latest" value={image} onInput={(e) => setImage(e.currentTarget.value)} /></Field>
        <datalist id="run-images">{images.map((i) => <option key={i} value={i} />)}</datalist>
        <Field label="Name" hint="Optional: letters, digits, _ . -"><input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} /></Field>
        <Field label="Command" hint='Optional, e.g. sh -c "echo hi; sleep 60"'><input name="cmd" value={cmd} onInput={(e) => setCmd(e.currentTarget.value)} /></Field>
        <Field label="Ports" hint="One per line or comma: 8080:80, 127.0.0.1:53:53/udp"><textarea name="ports" rows={2} value={ports} onInput={(e) => setPorts(e.currentTarget.value)} /></Field>
        <Field label="Environment" hint="KEY=value, one per line"><textarea name="env" rows={3} value={env} onInput={(e) => setEnv(e.currentTarget.value)} /></Field>
        <Field label="Volumes" hint="volume:/data or /host/path:/path:ro, one per line"><textarea name="volumes" rows={2} value={volumes} onInput={(e) => setVolumes(e.currentTarget.value)} /></Field>
        <Field label="Network">
          <select name="network" value={network} onChange={(e) => setNetwork(e.currentTarget.value)}>
            <option value="">Default</option>
            {networks.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </Field>
        <Field label="Restart policy">
          <select name="restart" value={restart} onChange={(e) => setRestart(e.currentTarget.value as typeof restart)}>
            {(['no', 'always', 'unless-stopped', 'on-failure'] as const).map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </Field>
      </SubmitForm>
    </section>
  );
}
