import { envelope, type AuditAction, type AuditEvent, type BusNames } from '@zenrelay/protocol';
import type { Logger, RedisConnection } from '@zenrelay/runtime';

/** One audit entry as the service fills it in (the time is added here). */
export interface AuditRecord {
  action: AuditAction;
  actor: string;
  account?: string;
  admin: boolean;
  where: string;
  args: string;
  outcome: 'done' | 'failed' | 'refused';
  detail: string;
  service: string;
  event_id?: string;
}

/**
 * The admin service's audit trail: every admin command (done, failed or
 * refused) is logged (info, `audit: true`) and published as an `audit`
 * envelope on `zenrelay:audit` (namespaced), best effort: a Redis hiccup is
 * logged, it never stops the command.
 */
export class AuditTrail {
  constructor(
    private readonly pub: RedisConnection,
    private readonly names: BusNames,
    private readonly logger: Logger,
  ) {}

  async record(data: AuditRecord): Promise<void> {
    const event: AuditEvent = envelope('audit', { ...data, time: new Date().toISOString() });
    this.logger.info({ audit: true, ...event.data }, `admin ${data.action} by ${data.actor}: ${data.outcome}`);
    try {
      await this.pub.publish(this.names.audit, JSON.stringify(event));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, channel: this.names.audit }, 'could not publish the audit event (it is in the log)');
    }
  }
}
