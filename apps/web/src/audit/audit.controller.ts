import { Controller, Get, Inject, Query } from '@nestjs/common';
import { MinRole } from '../auth/roles.js';
import { AuditService } from './audit.service.js';

@Controller('api/audit')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get() @MinRole('admin') list(@Query('limit') limit?: string, @Query('before') before?: string) { return this.audit.list(limit ? Number(limit) || 200 : 200, before ? Number(before) || undefined : undefined); }
}
