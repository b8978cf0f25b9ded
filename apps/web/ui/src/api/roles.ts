import type { Role } from './types';

const ORDER: Role[] = ['viewer', 'operator', 'admin'];

/** Whether `role` is at least `needed` (viewer < operator < admin), as the console's guard decides. */
export function roleAtLeast(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && ORDER.indexOf(role) >= ORDER.indexOf(needed);
}
