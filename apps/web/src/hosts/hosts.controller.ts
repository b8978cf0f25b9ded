import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { MinRole, type SessionUser } from '../auth/roles.js';
import { idParam, optionalString } from '../common/console-error.js';
import { CurrentUser } from '../common/current-user.js';
import { HostsService, type HostInput } from './hosts.service.js';

@Controller('api/hosts')
export class HostsController {
  constructor(@Inject(HostsService) private readonly hosts: HostsService, @Inject(AuditService) private readonly audit: AuditService) {}

  @Get() @MinRole('viewer') list() { return this.hosts.list(); }
  @Get(':id') @MinRole('viewer') get(@Param('id') id: string) { return this.hosts.get(idParam(id, 'host')); }
  @Post() @MinRole('admin') add(@Body() b: unknown, @CurrentUser() u: SessionUser) { return this.audit.record(u, 'host.add', String(optionalString(b, 'url')), null, () => this.hosts.add(hostInput(b))); }
  @Patch(':id') @MinRole('admin') update(@Param('id') id: string, @Body() b: unknown, @CurrentUser() u: SessionUser) { return this.audit.record(u, 'host.update', id, idParam(id, 'host'), () => this.hosts.update(idParam(id, 'host'), hostInput(b, true))); }
  @Delete(':id') @MinRole('admin') @HttpCode(204) async remove(@Param('id') id: string, @CurrentUser() u: SessionUser) { await this.audit.record(u, 'host.remove', id, idParam(id, 'host'), () => this.hosts.remove(idParam(id, 'host'))); }
  @Post(':id/probe') @MinRole('operator') async probe(@Param('id') id: string) { await this.hosts.probe(idParam(id, 'host')); return this.hosts.get(idParam(id, 'host')); }
}

function hostInput(b: unknown, partial = false): HostInput {
  const body = (b ?? {}) as Record<string, unknown>;
  const url = optionalString(body, 'url');
  const name = optionalString(body, 'name');
  const tls = body.tls && typeof body.tls === 'object' ? (body.tls as HostInput['tls']) : undefined;
  return { ...(name ? { name } : {}), url: (partial ? url : url ?? '') as string, ...(tls ? { tls } : {}) } as HostInput;
}
