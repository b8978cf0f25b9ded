import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { ConsoleError } from '../common/console-error.js';
import { DB } from '../common/tokens.js';
import type { Db } from '../db/database.js';
import { isRole, type Role, type SessionUser } from './roles.js';

const SETUP_KEY = 'setup-token-sha256';
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface PublicUser { id: number; username: string; role: Role; created: string }

@Injectable()
export class AuthService {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** With no users yet: makes a new one-time setup token (only its hash is stored) and returns it. */
  async issueSetupToken(): Promise<string | undefined> {
    if ((await this.db.user.count()) > 0) return undefined;
    const token = randomBytes(24).toString('base64url');
    await this.db.setting.upsert({ where: { key: SETUP_KEY }, create: { key: SETUP_KEY, value: sha256(token) }, update: { value: sha256(token) } });
    return token;
  }

  async needsSetup(): Promise<boolean> {
    return (await this.db.user.count()) === 0;
  }

  /** Creates the first admin with the setup token, which then stops working. */
  async setup(token: string, username: string, password: string): Promise<PublicUser> {
    const stored = await this.db.setting.findUnique({ where: { key: SETUP_KEY } });
    const given = Buffer.from(sha256(token));
    const expected = Buffer.from(stored?.value ?? '');
    if (expected.length !== given.length || !timingSafeEqual(given, expected)) {
      throw new ConsoleError('UNAUTHENTICATED', 'the setup token is wrong or was used already; berth-console prints a new one at start while there are no users');
    }
    return this.db.$transaction(async (tx) => {
      if ((await tx.user.count()) > 0) throw new ConsoleError('FAILED_PRECONDITION', 'the first admin exists already: log in');
      await tx.setting.delete({ where: { key: SETUP_KEY } });
      return publicUser(await tx.user.create({ data: { username, passwordHash: await hashPassword(password), role: 'admin', created: new Date() } }));
    });
  }

  async createUser(username: string, password: string, role: string): Promise<PublicUser> {
    if (!isRole(role)) throw new ConsoleError('INVALID_ARGUMENT', `role "${role}" is not one of admin, operator, viewer`);
    if (await this.db.user.findUnique({ where: { username } })) throw new ConsoleError('ALREADY_EXISTS', `user "${username}" exists already`);
    return publicUser(await this.db.user.create({ data: { username, passwordHash: await hashPassword(password), role, created: new Date() } }));
  }

  async listUsers(): Promise<PublicUser[]> {
    return (await this.db.user.findMany({ orderBy: { id: 'asc' } })).map(publicUser);
  }

  async deleteUser(id: number): Promise<void> {
    const { count } = await this.db.user.deleteMany({ where: { id } });
    if (count === 0) throw new ConsoleError('NOT_FOUND', `user ${id} does not exist`);
  }

  /** Checks the password and opens a session; returns the session id (the cookie) and its CSRF token. */
  async login(username: string, password: string): Promise<{ sessionId: string; csrf: string; user: PublicUser }> {
    const user = await this.db.user.findUnique({ where: { username } });
    if (!user || !(await bcrypt.compare(password, user.passwordHash))) {
      throw new ConsoleError('UNAUTHENTICATED', 'wrong user name or password');
    }
    const sessionId = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const now = Date.now();
    await this.db.session.create({ data: { id: sha256(sessionId), userId: user.id, csrf, created: new Date(now), expires: new Date(now + SESSION_TTL_SECONDS * 1000) } });
    return { sessionId, csrf, user: publicUser(user) };
  }

  async logout(sessionId: string): Promise<void> {
    await this.db.session.deleteMany({ where: { id: sha256(sessionId) } });
  }

  /** The user of a live session, or undefined. */
  async sessionUser(sessionId: string | undefined): Promise<SessionUser | undefined> {
    if (!sessionId || sessionId.length > 200) return undefined;
    const session = await this.db.session.findUnique({ where: { id: sha256(sessionId) }, include: { user: true } });
    if (!session) return undefined;
    if (session.expires.getTime() < Date.now()) {
      await this.db.session.deleteMany({ where: { id: session.id } });
      return undefined;
    }
    const role = session.user.role;
    if (!isRole(role)) return undefined;
    return { id: session.user.id, username: session.user.username, role, sessionId, csrf: session.csrf };
  }
}

async function hashPassword(password: string): Promise<string> {
  if (password.length < 8) throw new ConsoleError('INVALID_ARGUMENT', 'the password must have at least 8 characters');
  return bcrypt.hash(password, 10);
}

function publicUser(u: { id: number; username: string; role: string; created: Date }): PublicUser {
  return { id: u.id, username: u.username, role: u.role as Role, created: u.created.toISOString() };
}
