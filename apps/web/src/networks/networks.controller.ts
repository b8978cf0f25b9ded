import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { MinRole, type SessionUser } from '../auth/roles.js';
import { idParam, optionalString, requireString } from '../common/console-error.js';
import { CurrentUser } from '../common/current-user.js';
import { labelsOf } from '../volumes/volumes.controller.js';
import { NetworksService } from './networks.service.js';

@Controller('api')
export class NetworksController {
  constructor(@Inject(NetworksService) private readonly networks: NetworksService) {}

  @Get('networks') @MinRole('viewer') list() { return this.networks.list(); }
  @Post('hosts/:hostId/networks') @MinRole('operator') create(@Param('hostId') h: string, @Body() b: unknown, @CurrentUser() u: SessionUser) { return this.networks.create(u, idParam(h, 'host'), requireString(b, 'name'), optionalString(b, 'driver'), labelsOf(b)); }
  @Delete('hosts/:hostId/networks/:name') @MinRole('operator') @HttpCode(204) async remove(@Param('hostId') h: string, @Param('name') n: string, @CurrentUser() u: SessionUser) { await this.networks.remove(u, idParam(h, 'host'), n); }
}
