import { SetMetadata } from '@nestjs/common';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is making a request (set by the AuthGuard). */
export interface SessionUser {
  id: number;
  username: string;
  role: Role;
  sessionId: string;
  csrf: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` is at least `needed` (viewer < operator < admin). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export const ROLE_KEY = 'berth.role';
export const PUBLIC_KEY = 'berth.public';

/** The least role a route needs. Every route names one (or is @Public): the guard denies the rest. */
export const MinRole = (role: Role) => SetMetadata(ROLE_KEY, role);
/** A route open without a session (login, first-admin setup, status). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
