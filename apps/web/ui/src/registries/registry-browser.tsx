import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../api/api-error';
import { del, get } from '../api/http';
import type { ManifestView, RegistryView } from '../api/types';
import { ActionButton } from '../controls/action-button';
import { useSubscription } from '../live/live';
import { notify } from '../shell/notices';
import { ManifestDetails } from './manifest-view';

const q = encodeURIComponent;

/** Repositories → tags → manifest of one registry; delete a tag. */
export function RegistryBrowser({ registry }: { registry: RegistryView }) {
  const [repos, setRepos] = useState<string[] | null>(null);
  const [repo, setRepo] = useState<string | null>(null);
  const [tags, setTags] = useState<string[] | null>(null);
  const [tag, setTag] = useState<string | null>(null);
  const [manifest, setManifest] = useState<ManifestView | null>(null);
  const [error, setError] = useState('');
  const [filter, setFilter] = useState('');
  const [status, setStatus] = useState<{ status: string; lastError: string | null } | null>(null);
  const [activity, setActivity] = useState<string[]>([]);
  const current = useRef({ repo, tag });
  current.current = { repo, tag };

  const load = async <T,>(path: string, set: (v: T) => void) => {
    setError('');
    try {
      set(await get<T>(path));
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => {
    setRepos(null); setRepo(null); setTags(null); setTag(null); setManifest(null);
    void load<string[]>(`/api/registries/${registry.id}/repositories`, setRepos);
  }, [registry.id]);
  useEffect(() => {
    setTags(null); setTag(null); setManifest(null);
    if (repo) void load<string[]>(`/api/registries/${registry.id}/tags?repository=${q(repo)}`, setTags);
  }, [repo]);
  useEffect(() => {
    setManifest(null);
    if (repo && tag) void load<ManifestView>(`/api/registries/${registry.id}/manifest?repository=${q(repo)}&tag=${q(tag)}`, setManifest);
  }, [tag]);

  // Pushes and deletes in this registry (a berth-registry's event stream) refresh what is shown.
  useSubscription({ kind: 'registry-events', registryId: registry.id }, (m) => {
    if (m.type === 'registry-status') setStatus({ status: m.status, lastError: m.lastError });
    if (m.type !== 'registry-event') return;
    const e = m.event;
    setActivity((a) => [`${new Date(e.timestamp).toLocaleTimeString()} ${e.action} ${e.repository}${e.tag ? `:${e.tag}` : ''}${e.user ? ` by ${e.user}` : ''}`, ...a].slice(0, 8));
    if (e.action === 'pull') return;
    void load<string[]>(`/api/registries/${registry.id}/repositories`, setRepos);
    if (e.repository === current.current.repo) void load<string[]>(`/api/registries/${registry.id}/tags?repository=${q(e.repository)}`, setTags);
  }, [registry.id]);

  const deleteTag = async () => {
    await del(`/api/registries/${registry.id}/tags?repository=${q(repo!)}&tag=${q(tag!)}`);
    notify('ok', `Deleted ${repo}:${tag}`);
    setTag(null);
    await load<string[]>(`/api/registries/${registry.id}/tags?repository=${q(repo!)}`, setTags);
  };

  return (
    <div class="registry-browser">
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      <p class="muted" role="status">
        Live updates: {status ? <span class={`badge registry-${status.status}`}>{status.status}</span> : 'connecting…'}
        {status?.status === 'no-events' ? ' (not a berth-registry: refresh by hand)' : status?.lastError ? ` ${status.lastError}` : ''}
        {activity.length ? <> · latest: {activity[0]}</> : null}
      </p>
      <div class="columns">
        <div class="column">
          <h3>Repositories</h3>
          <label class="field"><span class="field-label">Filter</span><input type="search" name="repo-filter" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} /></label>
          {repos === null ? <p class="muted">Loading…</p> : (
            <ul class="pick-list">
              {repos.filter((r) => r.includes(filter)).map((r) => <li key={r}><button type="button" class={`link ${r === repo ? 'active' : ''}`} aria-pressed={r === repo} onClick={() => setRepo(r)}>{r}</button></li>)}
              {repos.length === 0 ? <li class="muted">No repositories.</li> : null}
            </ul>
          )}
        </div>
        <div class="column">
          <h3>Tags{repo ? ` of ${repo}` : ''}</h3>
          {repo && tags === null ? <p class="muted">Loading…</p> : null}
          <ul class="pick-list">
            {(tags ?? []).map((t) => <li key={t}><button type="button" class={`link ${t === tag ? 'active' : ''}`} aria-pressed={t === tag} onClick={() => setTag(t)}>{t}</button></li>)}
          </ul>
        </div>
        <div class="column wide">
          <h3>Manifest{tag ? ` of ${repo}:${tag}` : ''}</h3>
          {tag ? <ActionButton label="Delete tag" need="operator" kind="danger" confirm run={deleteTag} onError={(err) => setError(`Deleting ${repo}:${tag} failed: ${errorText(err)}`)} /> : null}
          {manifest ? <ManifestDetails m={manifest} /> : tag ? <p class="muted">Loading…</p> : <p class="muted">Pick a tag.</p>}
        </div>
      </div>
    </div>
  );
}
