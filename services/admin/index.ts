/**
 * `admin`: lets the people in ZEN_ADMINS steer the bot from IRC.
 *
 * - `!join <#chan>`, `!part <#chan> [reason]`, `!nick <nick>`: done by the
 *   bot through its `admin.*` requests, so the answer says what the server
 *   said (joined; banned, full, invite-only; nick taken).
 * - `!say <target> <text>`: the bot says it (a channel or a nick).
 * - `!ignore <mask>`, `!unignore <mask>`, `!ignore` alone lists the list:
 *   the runtime ignore list in Redis (it survives restarts), applied by the
 *   bot before anything reaches `in`.
 *
 * Each command is `command(name, fn, { admin: true })`: whether the sender is
 * an admin is the bot's `admin` field, never a nick. A non-admin gets one
 * short refusal; every attempt, done, failed or refused, is logged and
 * published on `zenrelay:audit` (audit.ts). `!services` is the help
 * service's (it lists this one too); a second answer would only repeat it.
 */
import { AUDIT_ACTIONS, RpcError, targetProblem, type AuditAction, type InboundOf } from '@zenrelay/protocol';
import { createRedis } from '@zenrelay/runtime';
import { CommandContext, createService, parseCommand, ZenService } from '@zenrelay/sdk';
import type { ServiceStarter } from '../service';
import { AuditTrail, type AuditRecord } from './audit';

/** How long an admin command waits for the bot's answer. */
const REQUEST_TIMEOUT_MS = 10_000;

export const startAdmin: ServiceStarter = async ({ redisUrl, namespace, env, logger }) => {
  const bot = await createService({ name: 'admin', description: 'Admin commands for ZEN_ADMINS: join, part, say, nick, ignore', redisUrl, namespace, env, logger });
  const pub = createRedis(bot.redis, { lazyConnect: true, connectionName: 'admin-audit' });
  pub.on('error', (err: Error) => logger.debug({ err: err.message }, 'audit connection: Redis error'));
  await pub.connect();
  const audit = new AuditTrail(pub, bot.names, logger);
  const p = bot.commandPrefix;

  const record = (ctx: { sender: string; account?: string; admin: boolean; channel: string; event: InboundOf<'directed_privmsg'> }, action: AuditAction, args: string, outcome: AuditRecord['outcome'], detail: string) =>
    audit.record({
      action,
      actor: ctx.sender,
      ...(ctx.account === undefined ? {} : { account: ctx.account }),
      admin: ctx.admin,
      where: ctx.channel,
      args,
      outcome,
      detail,
      service: bot.name,
      ...(ctx.event.id === undefined ? {} : { event_id: ctx.event.id }),
    });

  /** Runs one admin action: asks the bot, answers the admin, audits either way. */
  const act = async (ctx: CommandContext, action: AuditAction, run: () => Promise<string>) => {
    try {
      const done = await run();
      await ctx.reply(done);
      await record(ctx, action, ctx.args, 'done', done);
    } catch (err) {
      const why = err instanceof RpcError || err instanceof UsageError ? err.message : `failed: ${err instanceof Error ? err.message : String(err)}`;
      await ctx.reply(why);
      await record(ctx, action, ctx.args, 'failed', why);
    }
  };
  const request = (method: string, params: Record<string, unknown>) => bot.request(method, params, { timeout: REQUEST_TIMEOUT_MS }) as Promise<Record<string, unknown>>;
  const needs = (ctx: CommandContext, count: number, usage: string) => {
    if (ctx.argv.length < count) throw new UsageError(`Usage: ${usage}`);
  };

  bot.command(
    'join',
    (ctx) =>
      act(ctx, 'join', async () => {
        needs(ctx, 1, `${p}join <#channel>`);
        const r = await request('admin.join', { channel: ctx.argv[0] });
        return r.already ? `I am already in ${String(r.channel)}.` : `Joined ${String(r.channel)}.`;
      }),
    { admin: true, usage: `${p}join <#channel>`, help: 'Make the bot join a channel (admins)' },
  );

  bot.command(
    'part',
    (ctx) =>
      act(ctx, 'part', async () => {
        needs(ctx, 1, `${p}part <#channel> [reason]`);
        const reason = ctx.args.slice(ctx.args.indexOf(ctx.argv[0]) + ctx.argv[0].length).trim();
        const r = await request('admin.part', { channel: ctx.argv[0], reason });
        return `Left ${String(r.channel)}.`;
      }),
    { admin: true, usage: `${p}part <#channel> [reason]`, help: 'Make the bot leave a channel (admins)' },
  );

  bot.command(
    'say',
    (ctx) =>
      act(ctx, 'say', async () => {
        needs(ctx, 2, `${p}say <#channel or nick> <text>`);
        const target = ctx.argv[0];
        const problem = targetProblem(target);
        if (problem) throw new UsageError(`Cannot say to ${JSON.stringify(target)}: ${problem}`);
        const text = ctx.args.slice(ctx.args.indexOf(target) + target.length).trim();
        await bot.say(target, text);
        return `Said to ${target}.`;
      }),
    { admin: true, usage: `${p}say <#channel or nick> <text>`, help: 'Make the bot say something (admins)' },
  );

  bot.command(
    'nick',
    (ctx) =>
      act(ctx, 'nick', async () => {
        needs(ctx, 1, `${p}nick <nick>`);
        const r = await request('admin.nick', { nick: ctx.argv[0] });
        return `I am ${String(r.nick)} now (was ${String(r.old)}).`;
      }),
    { admin: true, usage: `${p}nick <nick>`, help: "Change the bot's nick until it restarts (admins)" },
  );

  bot.command(
    'ignore',
    async (ctx) => {
      if (ctx.argv.length === 0) {
        const r = (await request('admin.ignores', {})) as { fixed: string[]; runtime: string[] };
        const all = [...r.fixed.map((m) => `${m} (ZEN_IGNORE)`), ...r.runtime];
        return ctx.reply(all.length === 0 ? 'Nobody is ignored.' : `Ignored: ${all.join(', ')}`);
      }
      return act(ctx, 'ignore', async () => {
        const r = await request('admin.ignore', { mask: ctx.argv[0] });
        return r.added ? `Ignoring ${String(r.mask)}.` : `${String(r.mask)} was already ignored.`;
      });
    },
    { admin: true, usage: `${p}ignore [nick!user@host mask]`, help: 'Ignore everyone matching a mask, or list who is ignored (admins)' },
  );

  bot.command(
    'unignore',
    (ctx) =>
      act(ctx, 'unignore', async () => {
        needs(ctx, 1, `${p}unignore <mask>`);
        const r = await request('admin.unignore', { mask: ctx.argv[0] });
        return r.removed ? `No longer ignoring ${String(r.mask)}.` : `${String(r.mask)} was not ignored.`;
      }),
    { admin: true, usage: `${p}unignore <mask>`, help: 'Stop ignoring a mask (admins)' },
  );

  // A non-admin's attempt: the SDK refuses it (once); it is audited here.
  bot.on('directed_privmsg', (event) => auditRefusal(bot, event, record));

  await bot.ready();
  const close = bot.close.bind(bot);
  return Object.assign(bot, {
    close: async () => {
      await close();
      await pub.quit().catch(() => pub.disconnect());
    },
  });
};

class UsageError extends Error {}

type Recorder = (
  ctx: { sender: string; account?: string; admin: boolean; channel: string; event: InboundOf<'directed_privmsg'> },
  action: AuditAction,
  args: string,
  outcome: AuditRecord['outcome'],
  detail: string,
) => Promise<void>;

function auditRefusal(bot: ZenService, event: InboundOf<'directed_privmsg'>, record: Recorder): Promise<void> | undefined {
  if (event.data.admin === true) return undefined;
  const parsed = parseCommand(event.data.message, { prefix: bot.commandPrefix });
  const action = AUDIT_ACTIONS.find((a) => a === parsed?.name);
  if (!parsed || !action) return undefined;
  const ctx = { sender: event.data.sender, account: event.data.account, admin: false, channel: event.data.channel, event };
  return record(ctx, action, parsed.args, 'refused', 'not an admin');
}
