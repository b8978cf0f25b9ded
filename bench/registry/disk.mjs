// Flushing dirty pages between samples, so one registry's write-back does not land in the
// next sample, which may be the other registry's.
import { execFileSync } from 'node:child_process';

export function syncDisks() {
  execFileSync('sync');
}
