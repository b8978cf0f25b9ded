import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { idParam, requireString } from '../common/console-error.js';
import { CurrentUser } from '../common/current-user.js';
import { AuthService, SESSION_TTL_SECONDS } from './auth.service.js';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from './cookies.js';
import { MinRole, Public, type SessionUser } from './roles.js';

@Controller('api')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService, @Inject(AuditService) private readonly audit: AuditService) {}

  @Get('auth/status') @Public() async status(@Req() req: Request) { return this.statusOf(req); }
  @Post('auth/setup') @Public() @HttpCode(201) async setup(@Body() b: unknown, @Res({ passthrough: true }) res: Response) { return this.setupAdmin(b, res); }
  @Post('auth/login') @Public() @HttpCode(200) async login(@Body() b: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) { return this.open(requireString(b, 'username'), requireString(b, 'password'), req, res); }
  @Post('auth/logout') @MinRole('viewer') @HttpCode(204) async logout(@CurrentUser() u: SessionUser, @Res({ passthrough: true }) res: Response) { await this.auth.logout(u.sessionId); res.setHeader('Set-Cookie', clearedSessionCookie()); }
  @Get('auth/me') @MinRole('viewer') me(@CurrentUser() u: SessionUser) { return { user: { id: u.id, username: u.username, role: u.role }, csrfToken: u.csrf }; }
  @Get('users') @MinRole('admin') users() { return this.auth.listUsers(); }
  @Post('users') @MinRole('admin') createUser(@Body() b: unknown, @CurrentUser() u: SessionUser) { return this.audit.record(u, 'user.create', requireString(b, 'username'), null, () => this.auth.createUser(requireString(b, 'username'), requireString(b, 'password'), requireString(b, 'role'))); }
  @Delete('users/:id') @MinRole('admin') @HttpCode(204) async deleteUser(@Param('id') id: string, @CurrentUser() u: SessionUser) { await this.audit.record(u, 'user.delete', id, null, () => this.auth.deleteUser(idParam(id, 'user'))); }

  private async statusOf(req: Request) {
    const user = await this.auth.sessionUser(readCookie(req, SESSION_COOKIE));
    return { setupNeeded: await this.auth.needsSetup(), user: user ? { id: user.id, username: user.username, role: user.role } : null };
  }

  private async setupAdmin(b: unknown, res: Response) {
    const username = requireString(b, 'username');
    const password = requireString(b, 'password');
    await this.auth.setup(requireString(b, 'token'), username, password);
    return this.open(username, password, undefined, res);
  }

  private async open(username: string, password: string, req: Request | undefined, res: Response) {
    const { sessionId, csrf, user } = await this.auth.login(username, password);
    res.setHeader('Set-Cookie', sessionCookie(sessionId, SESSION_TTL_SECONDS, req?.secure ?? false));
    return { user, csrfToken: csrf };
  }
}
