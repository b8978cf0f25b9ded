import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { MinRole, type SessionUser } from '../auth/roles.js';
import { idParam } from '../common/console-error.js';
import { CurrentUser } from '../common/current-user.js';
import { ContainersService } from './containers.service.js';

@Controller('api')
export class ContainersController {
  constructor(@Inject(ContainersService) private readonly containers: ContainersService) {}

  @Get('containers') @MinRole('viewer') list(@Query('all') all?: string) { return this.containers.list(all !== 'false' && all !== '0'); }
  @Get('hosts/:hostId/containers/:id') @MinRole('viewer') inspect(@Param('hostId') h: string, @Param('id') id: string) { return this.containers.inspect(idParam(h, 'host'), id); }
  @Post('hosts/:hostId/containers') @MinRole('operator') run(@Param('hostId') h: string, @Body() b: unknown, @CurrentUser() u: SessionUser) { return this.containers.run(u, idParam(h, 'host'), b); }
  @Post('hosts/:hostId/containers/:id/:action') @MinRole('operator') @HttpCode(204) async action(@Param('hostId') h: string, @Param('id') id: string, @Param('action') a: string, @CurrentUser() u: SessionUser) { await this.containers.action(u, idParam(h, 'host'), id, a); }
  @Delete('hosts/:hostId/containers/:id') @MinRole('operator') @HttpCode(204) async remove(@Param('hostId') h: string, @Param('id') id: string, @Query('force') f: string | undefined, @CurrentUser() u: SessionUser) { await this.containers.remove(u, idParam(h, 'host'), id, f === 'true' || f === '1'); }
}
