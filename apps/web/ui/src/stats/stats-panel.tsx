import { useRef, useState } from 'preact/hooks';
import { bytes } from '../format/format';
import { useSubscription } from '../live/live';
import { StatsSeries } from './stats-series';
import { LineChart } from './line-chart';

/** Live CPU, memory and network charts of one container (the `stats` topic, about one sample a second). */
export function StatsPanel({ hostId, container }: { hostId: number; container: string }) {
  const series = useRef(new StatsSeries()).current;
  const [, setN] = useState(0);
  const [note, setNote] = useState('Waiting for the first sample…');
  useSubscription({ kind: 'stats', hostId, container }, (m) => {
    if (m.type === 'stats') {
      series.add(m.stats);
      setNote('');
      setN((n) => n + 1);
    } else if (m.type === 'end') setNote('Stats ended (the container stopped or is gone).');
    else if (m.type === 'error') setNote(`Stats could not be followed: ${m.message}`);
  }, [hostId, container]);
  const p = series.points;
  const limit = p.at(-1)?.memoryLimit;
  return (
    <div class="stats">
      {note ? <p class="muted" role="status">{note}</p> : null}
      <div class="charts">
        <LineChart title="CPU" minMax={5} format={(v) => `${v.toFixed(1)} %`} lines={[{ label: 'CPU', color: '#2563eb', values: p.map((x) => x.cpu) }]} />
        <LineChart title={`Memory${limit ? ` (limit ${bytes(limit)})` : ''}`} minMax={1024 * 1024} format={bytes} lines={[{ label: 'used', color: '#16a34a', values: p.map((x) => x.memory) }]} />
        <LineChart title="Network" minMax={1024} format={(v) => `${bytes(v)}/s`} lines={[
          { label: 'rx', color: '#9333ea', values: p.map((x) => x.rx) },
          { label: 'tx', color: '#ea580c', values: p.map((x) => x.tx) },
        ]} />
      </div>
    </div>
  );
}
