import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { MinRole, type SessionUser } from '../auth/roles.js';
import { idParam, optionalString, requireString } from '../common/console-error.js';
import { CurrentUser } from '../common/current-user.js';
import { RegistriesService } from './registries.service.js';

@Controller('api/registries')
export class RegistriesController {
  constructor(@Inject(RegistriesService) private readonly registries: RegistriesService) {}

  @Get() @MinRole('viewer') list() { return this.registries.list(); }
  @Post() @MinRole('admin') add(@Body() b: unknown, @CurrentUser() u: SessionUser) { return this.registries.add(u, requireString(b, 'name'), requireString(b, 'url'), optionalString(b, 'username'), optionalString(b, 'password')); }
  @Delete(':id') @MinRole('admin') @HttpCode(204) async remove(@Param('id') id: string, @CurrentUser() u: SessionUser) { await this.registries.remove(u, idParam(id, 'registry')); }
  @Get(':id/repositories') @MinRole('viewer') repositories(@Param('id') id: string) { return this.registries.repositories(idParam(id, 'registry')); }
  @Delete(':id/tags') @MinRole('operator') @HttpCode(204) async deleteTag(@Param('id') id: string, @Query('repository') repo: string, @Query('tag') tag: string, @CurrentUser() u: SessionUser) { await this.registries.deleteTag(u, idParam(id, 'registry'), requireString({ repository: repo }, 'repository'), requireString({ tag }, 'tag')); }
  @Get(':id/tags') @MinRole('viewer') tags(@Param('id') id: string, @Query('repository') repo: string) { return this.registries.tags(idParam(id, 'registry'), requireString({ repository: repo }, 'repository')); }
  @Get(':id/manifest') @MinRole('viewer') manifest(@Param('id') id: string, @Query('repository') repo: string, @Query('tag') tag: string) { return this.registries.manifest(idParam(id, 'registry'), requireString({ repository: repo }, 'repository'), requireString({ tag }, 'tag')); }
}
