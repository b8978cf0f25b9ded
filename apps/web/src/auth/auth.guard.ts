import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ConsoleError } from '../common/console-error.js';
import { AuthService } from './auth.service.js';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from './cookies.js';
import { PUBLIC_KEY, ROLE_KEY, roleAtLeast, type Role, type SessionUser } from './roles.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route: a live session (unless @Public), the CSRF token of that session in the
 * x-csrf-token header on every state-changing request, and the route's least role.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { user?: SessionUser }>();
    const user = await this.auth.sessionUser(readCookie(req, SESSION_COOKIE));
    if (!user) throw new ConsoleError('UNAUTHENTICATED', 'not logged in: POST /api/auth/login first');
    const safe = SAFE_METHODS.has(req.method);
    if (!safe && req.headers[CSRF_HEADER] !== user.csrf) {
      throw new ConsoleError('PERMISSION_DENIED', `missing or wrong ${CSRF_HEADER} header: send the csrfToken from /api/auth/me`);
    }
    // Deny by default: a route that names no role is open to nobody.
    const needed: Role | undefined = this.reflector.getAllAndOverride<Role>(ROLE_KEY, targets);
    if (!needed) throw new ConsoleError('PERMISSION_DENIED', `${req.method} ${req.path} is not open to any role`);
    if (!roleAtLeast(user.role, needed)) {
      throw new ConsoleError('PERMISSION_DENIED', `user "${user.username}" is ${user.role}; this needs ${needed}`);
    }
    req.user = user;
    return true;
  }
}
