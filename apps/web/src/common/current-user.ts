import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { SessionUser } from '../auth/roles.js';

/** The logged-in user of the request (routes behind the AuthGuard). */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): SessionUser => ctx.switchToHttp().getRequest().user);
