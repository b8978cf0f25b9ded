import { useState } from 'preact/hooks';
import { roleAtLeast } from '../api/roles';
import { Field } from '../controls/field';
import { SubmitForm } from '../controls/submit-form';
import { session } from '../session/session';
import { useStore } from '../store/store';
import { HostSelect } from './host-select';

interface Props {
  title: string;
  /** What is created, e.g. "volume". */
  thing: string;
  /** A driver field with this placeholder (absent: no driver field). */
  driverPlaceholder?: string;
  create: (hostId: number, name: string, driver: string) => Promise<unknown>;
}

/** The small "create a named object on a host" form of the volumes and networks pages. */
export function CreateOnHostForm({ title, thing, driverPlaceholder, create }: Props) {
  const { user } = useStore(session);
  const [hostId, setHostId] = useState<number | null>(null);
  const [name, setName] = useState('');
  const [driver, setDriver] = useState('');
  return (
    <div class="panel">
      <h2>{title}</h2>
      <SubmitForm label="Create" aria-label={title} class="inline-form" disabled={!roleAtLeast(user?.role, 'operator') || hostId === null} disabledReason={`Needs the operator role (you are ${user?.role})`}
        onSubmit={async () => { await create(hostId!, name.trim(), driver.trim()); setName(''); }}>
        <HostSelect value={hostId} onChange={setHostId} />
        <Field label={`${thing[0]!.toUpperCase()}${thing.slice(1)} name`}><input name={`${thing}-name`} required value={name} onInput={(e) => setName(e.currentTarget.value)} /></Field>
        {driverPlaceholder !== undefined ? <Field label="Driver"><input name="driver" placeholder={driverPlaceholder} value={driver} onInput={(e) => setDriver(e.currentTarget.value)} /></Field> : null}
      </SubmitForm>
    </div>
  );
}
