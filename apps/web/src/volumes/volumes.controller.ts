import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { MinRole, type SessionUser } from '../auth/roles.js';
import { idParam, optionalString, requireString } from '../common/console-error.js';
import { CurrentUser } from '../common/current-user.js';
import { VolumesService } from './volumes.service.js';

@Controller('api')
export class VolumesController {
  constructor(@Inject(VolumesService) private readonly volumes: VolumesService) {}

  @Get('volumes') @MinRole('viewer') list() { return this.volumes.list(); }
  @Post('hosts/:hostId/volumes') @MinRole('operator') create(@Param('hostId') h: string, @Body() b: unknown, @CurrentUser() u: SessionUser) { return this.volumes.create(u, idParam(h, 'host'), requireString(b, 'name'), optionalString(b, 'driver'), labelsOf(b)); }
  @Delete('hosts/:hostId/volumes/:name') @MinRole('operator') @HttpCode(204) async remove(@Param('hostId') h: string, @Param('name') n: string, @Query('force') f: string | undefined, @CurrentUser() u: SessionUser) { await this.volumes.remove(u, idParam(h, 'host'), n, f === 'true' || f === '1'); }
}

export function labelsOf(b: unknown): Record<string, string> | undefined {
  const l = (b as { labels?: unknown } | null)?.labels;
  if (!l || typeof l !== 'object') return undefined;
  return Object.fromEntries(Object.entries(l).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
