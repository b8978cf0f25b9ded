import { href } from '../routing/hash-route';
import type { Merged } from '../api/types';

/** The hosts a merged list could not reach, each with the reason. */
export function HostErrors({ errors }: { errors: Merged<unknown>['errors'] }) {
  if (errors.length === 0) return null;
  return (
    <div class="host-errors" role="status">
      {errors.map((e) => (
        <p key={e.hostId}><strong>{e.host}</strong> is not in this list: {e.message} (<a href={href('hosts')}>hosts</a>)</p>
      ))}
    </div>
  );
}
