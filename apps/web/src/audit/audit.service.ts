import { Inject, Injectable } from '@nestjs/common';
import type { SessionUser } from '../auth/roles.js';
import { DB } from '../common/tokens.js';
import type { Db } from '../db/database.js';

export interface AuditRecord {
  id: number; time: string; username: string; action: string; target: string; hostId: number | null; outcome: string; detail: string | null;
}

/** The audit log: every action against an engine, a registry or the console's configuration, with its user. */
@Injectable()
export class AuditService {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** Runs `action`, writing it to the log with its outcome (the error's message when it fails). */
  async record<T>(user: SessionUser, action: string, target: string, hostId: number | null, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      await this.write(user, action, target, hostId, 'ok', null);
      return result;
    } catch (err) {
      await this.write(user, action, target, hostId, 'error', (err as Error)?.message ?? String(err));
      throw err;
    }
  }

  async list(limit = 200, before?: number): Promise<AuditRecord[]> {
    const rows = await this.db.auditEntry.findMany({
      where: before ? { id: { lt: before } } : {}, orderBy: { id: 'desc' }, take: Math.min(Math.max(limit, 1), 1000),
    });
    return rows.map((r) => ({ id: r.id, time: r.time.toISOString(), username: r.username, action: r.action, target: r.target, hostId: r.hostId, outcome: r.outcome, detail: r.detail }));
  }

  private async write(user: SessionUser, action: string, target: string, hostId: number | null, outcome: string, detail: string | null): Promise<void> {
    await this.db.auditEntry.create({ data: { time: new Date(), userId: user.id, username: user.username, action, target, hostId, outcome, detail: detail?.slice(0, 2000) ?? null } });
  }
}
