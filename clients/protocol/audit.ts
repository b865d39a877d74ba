import { z } from 'zod';
import { envelopeSchema } from './envelope';

/**
 * What the admin service publishes on `zenrelay:audit` for every admin
 * command it was asked (done, failed or refused), so an operator can follow
 * who made the bot join, part, speak, change nick or ignore someone.
 */
export const AUDIT_ACTIONS = ['join', 'part', 'say', 'nick', 'ignore', 'unignore'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEvent = envelopeSchema(
  'audit',
  z.looseObject({
    action: z.enum(AUDIT_ACTIONS).describe('The admin command'),
    actor: z.string().describe('Nick of who asked'),
    account: z.string().optional().describe('Their services account, when the server vouched for it'),
    admin: z.boolean().describe('Whether the bot said the actor is an admin (a refusal has false)'),
    where: z.string().describe('Channel it was said in, or the nick for a private message'),
    args: z.string().describe('The arguments as given'),
    outcome: z.enum(['done', 'failed', 'refused']).describe('done; failed (the bot or the server said no: see detail); refused (not an admin)'),
    detail: z.string().describe('What happened, in words'),
    service: z.string().describe('The service that acted (its name)'),
    time: z.string().describe('When, ISO 8601'),
    event_id: z.string().optional().describe('The id of the `in` event the command came in'),
  }),
).describe('An admin action (or a refused attempt), published by the admin service on `zenrelay:audit`.');

export type AuditEvent = z.infer<typeof auditEvent>;
export type AuditData = AuditEvent['data'];
