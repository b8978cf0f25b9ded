import { Body, Controller, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { MinRole, type SessionUser } from '../auth/roles.js';
import { idParam, optionalString, requireString } from '../common/console-error.js';
import { CurrentUser } from '../common/current-user.js';
import { ImagesService } from './images.service.js';

@Controller('api')
export class ImagesController {
  constructor(@Inject(ImagesService) private readonly images: ImagesService) {}

  @Get('images') @MinRole('viewer') list() { return this.images.list(); }
  @Get('hosts/:hostId/images/:name') @MinRole('viewer') inspect(@Param('hostId') h: string, @Param('name') n: string) { return this.images.inspect(idParam(h, 'host'), n); }
  @Post('hosts/:hostId/images/pull') @MinRole('operator') pull(@Param('hostId') h: string, @Body() b: unknown, @CurrentUser() u: SessionUser) { return this.images.pull(u, idParam(h, 'host'), requireString(b, 'image'), optionalString(b, 'operationId')); }
  @Delete('hosts/:hostId/images/:name') @MinRole('operator') remove(@Param('hostId') h: string, @Param('name') n: string, @Query('force') f: string | undefined, @CurrentUser() u: SessionUser) { return this.images.remove(u, idParam(h, 'host'), n, f === 'true' || f === '1'); }
}
