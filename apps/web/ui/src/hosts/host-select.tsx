import { Field } from '../controls/field';
import { useHosts } from './hosts-store';

/** Picks the host an object is created on (reachable hosts first). */
export function HostSelect({ value, onChange, label = 'Host' }: { value: number | null; onChange: (id: number) => void; label?: string }) {
  const hosts = useHosts();
  const sorted = [...hosts].sort((a, b) => Number(b.status === 'up') - Number(a.status === 'up'));
  if (value === null && sorted[0]) queueMicrotask(() => onChange(sorted[0]!.id));
  return (
    <Field label={label}>
      <select name="host" value={value ?? ''} onChange={(e) => onChange(Number(e.currentTarget.value))} required>
        {sorted.map((h) => <option key={h.id} value={h.id}>{h.name}{h.status === 'up' ? '' : ` (${h.status})`}</option>)}
      </select>
    </Field>
  );
}
