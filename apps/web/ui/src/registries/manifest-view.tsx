import type { ManifestView } from '../api/types';
import { bytes } from '../format/format';

/** A tag's manifest: digests, media type, config and each layer with its size. */
export function ManifestDetails({ m }: { m: ManifestView }) {
  const layersSize = m.layers.reduce((n, l) => n + l.size, 0);
  return (
    <div class="manifest">
      <dl class="details">
        <div class="detail-row"><dt>Digest</dt><dd><code>{m.digest}</code></dd></div>
        {m.indexDigest ? <div class="detail-row"><dt>Index digest</dt><dd><code>{m.indexDigest}</code></dd></div> : null}
        <div class="detail-row"><dt>Media type</dt><dd>{m.mediaType}</dd></div>
        <div class="detail-row"><dt>Config</dt><dd><code>{m.config.digest}</code> ({bytes(m.config.size)})</dd></div>
        <div class="detail-row"><dt>Size</dt><dd>{bytes(m.size)} (layers {bytes(layersSize)})</dd></div>
      </dl>
      <table class="table" aria-label="Layers">
        <thead><tr><th scope="col">#</th><th scope="col">Layer digest</th><th scope="col">Media type</th><th scope="col">Size</th></tr></thead>
        <tbody>
          {m.layers.map((l, i) => <tr key={l.digest + i}><td>{i + 1}</td><td><code>{l.digest}</code></td><td>{l.mediaType}</td><td>{bytes(l.size)}</td></tr>)}
        </tbody>
      </table>
    </div>
  );
}
