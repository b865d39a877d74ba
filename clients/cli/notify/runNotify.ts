import {
  ConfigError,
  describeTarget,
  loadBusConfig,
  maxPayloadBytesSetting,
  noticeFateTtl,
  noticeWaitReplicas,
  noticeWaitTimeout,
  read,
  redisTlsProblem,
  targetVariables,
  type Env,
} from '@zenrelay/runtime';
import { NoticeClient, prepareNotice, type NoticeFateView } from '../../notices';
import { NOTIFY_EXIT, noticeRequest, type NotifyPlan } from './notifyPlan';

/**
 * Carries out a `zen notify` plan: queue the notice in Redis, optionally wait
 * for its receipt, and say what happened. Returns the exit code; prints
 * nothing on success unless asked (--print-id, --verbose).
 */

export interface NotifyIo {
  env: Env;
  readStdin(): Promise<string>;
  out(text: string): void;
  err(text: string): void;
}

const CONNECT_TIMEOUT_MS = 5000;

export async function runNotify(plan: NotifyPlan, io: NotifyIo): Promise<number> {
  const say = (text: string) => io.err(`zen notify: ${text}\n`);
  const note = (text: string) => plan.verbose && io.err(`zen notify: ${text}\n`);
  let bus;
  let fateTtlSeconds: number;
  let waitReplicas: number;
  let waitTimeoutMs: number;
  let maxBytes: number;
  try {
    bus = loadBusConfig(io.env);
    fateTtlSeconds = read(io.env, noticeFateTtl);
    waitReplicas = read(io.env, noticeWaitReplicas);
    waitTimeoutMs = read(io.env, noticeWaitTimeout);
    maxBytes = read(io.env, maxPayloadBytesSetting);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    say(err.message);
    return NOTIFY_EXIT.usage;
  }
  const message = plan.message ?? (await io.readStdin());
  const prepared = prepareNotice(noticeRequest(plan, message), maxBytes);
  if (!prepared.ok) {
    say(`${prepared.reason}; nothing was queued`);
    return NOTIFY_EXIT.usage;
  }
  const where = describeTarget(bus.redis);
  const client = new NoticeClient({
    redis: bus.redis,
    namespace: bus.namespace,
    fateTtlSeconds,
    waitReplicas,
    waitTimeoutMs,
    connection: { connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false },
  });
  try {
    try {
      await client.connect();
    } catch (err) {
      const cause = client.connectionError();
      const tls = cause && redisTlsProblem(cause, bus.redis);
      if (tls) say(`cannot reach Redis: ${tls.message}; ${tls.hint}. Nothing was queued`);
      else say(`cannot reach Redis at ${where}: ${client.explain(err)}; is Redis running and ${targetVariables(bus.redis)} right? Nothing was queued`);
      return NOTIFY_EXIT.redis;
    }
    try {
      const queued = await client.send(prepared);
      if (plan.printId) io.out(`${queued.id}\n`);
      note(`queued notice ${queued.id} (stream ${client.names.notices}, entry ${queued.entry})`);
      if (queued.replicas !== undefined && queued.replicas < waitReplicas) {
        say(`notice ${queued.id} is queued, but only ${queued.replicas} of ${waitReplicas} replicas confirmed it within ${waitTimeoutMs} ms (ZEN_NOTICE_WAIT_REPLICAS); a failover now could lose it`);
      }
    } catch (err) {
      say(`queueing notice ${prepared.id} in Redis at ${where} failed: ${client.explain(err)}; it may or may not be queued (redis-cli HGETALL ${client.names.noticePrefix}${prepared.id})`);
      return NOTIFY_EXIT.redis;
    }
    if (plan.waitSeconds === undefined) return NOTIFY_EXIT.ok;
    let fate: NoticeFateView | undefined;
    try {
      fate = await client.waitForFate(prepared.id, plan.waitSeconds * 1000);
    } catch (err) {
      say(`lost Redis at ${where} while waiting (${client.explain(err)}); notice ${prepared.id} is queued and will be sent when the bot can`);
      return NOTIFY_EXIT.redis;
    }
    return report(prepared.id, fate, plan, say, note);
  } finally {
    await client.close();
  }
}

function report(
  id: string,
  fate: NoticeFateView | undefined,
  plan: NotifyPlan,
  say: (text: string) => void,
  note: (text: string) => void,
): number {
  switch (fate?.state) {
    case 'sent':
      note(`notice ${id} sent`);
      return NOTIFY_EXIT.ok;
    case 'rejected':
      say(`the bot rejected notice ${id}: ${fate.reason ?? 'no reason given'}${fate.code ? ` (${fate.code})` : ''}`);
      // The reason names the refused targets; with several, say what became of each.
      for (const t of (fate.targets?.length ?? 0) > 1 ? (fate.targets ?? []) : []) {
        if (t.state === 'rejected') say(`  ${t.target}: rejected by the IRC server: ${t.reason ?? 'no reason given'}${t.numeric ? ` (${t.numeric})` : ''}`);
        else say(`  ${t.target}: sent`);
      }
      return NOTIFY_EXIT.rejected;
    case 'expired':
      say(`notice ${id} expired without being sent: ${fate.reason ?? 'too old'}`);
      return NOTIFY_EXIT.expired;
    default:
      say(
        `notice ${id} was not sent within ${plan.waitSeconds} s (is the bot running and on IRC?); ` +
          'it stays queued and will be sent when the bot can, unless it expires first',
      );
      return NOTIFY_EXIT.timeout;
  }
}
