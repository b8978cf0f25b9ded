// Interleaved sampling: iteration i runs each daemon once, swapping who goes first every
// iteration, so drift on the machine (other load, cache state) lands on both equally.

/**
 * sample(daemon) resolves with a number (ms) or an object { ms, ...parts }.
 * A daemon whose sample throws stops being sampled for this case; its error is kept.
 */
export async function alternate(daemons, { runs, warmup, signal }, sample) {
  const out = new Map(daemons.map((d) => [d.name, { samples: [], parts: {}, error: undefined }]));
  for (let i = -warmup; i < runs && !signal?.aborted; i++) {
    const order = (i + warmup) % 2 === 0 ? daemons : [...daemons].reverse();
    for (const d of order) {
      const r = out.get(d.name);
      if (r.error) continue;
      try {
        const value = await sample(d);
        if (i < 0) continue;
        const { ms, ...parts } = typeof value === 'number' ? { ms: value } : value;
        r.samples.push(ms);
        for (const [k, v] of Object.entries(parts)) (r.parts[k] ??= []).push(v);
      } catch (err) {
        r.error = err.message;
      }
    }
  }
  return out;
}
