import { noticeIdProblem, splitTargets, type NoticeRequest } from '../../notices';
import { targetProblem, type SayType } from '@zenrelay/protocol';

/**
 * `zen notify` arguments turned into what to do, or the reason they make no
 * sense. Pure; the exit codes live here too, as the one list `--help` and
 * docs/notices.md describe.
 */

export const NOTIFY_EXIT = {
  /** Queued (without --wait), or sent (with --wait). */
  ok: 0,
  /** The bot rejected the notice (reason printed). */
  rejected: 1,
  /** Bad arguments or configuration; nothing was queued. */
  usage: 2,
  /** --wait ran out; the notice is still queued and will be sent when the bot can. */
  timeout: 3,
  /** The notice expired: it waited longer than ZEN_NOTICE_MAX_AGE_SECONDS and was not sent. */
  expired: 4,
  /** Redis could not be reached or failed; see the message for whether the notice was queued. */
  redis: 5,
} as const;

export const DEFAULT_WAIT_SECONDS = 30;
const MAX_WAIT_SECONDS = 86_400;

export interface NotifyOptions {
  action?: boolean;
  notice?: boolean;
  /** true for a bare --wait, the value for --wait=N. */
  wait?: boolean | string;
  id?: string;
  printId?: boolean;
  verbose?: boolean;
}

export interface NotifyPlan {
  to: string[];
  type: SayType;
  /** The message, or undefined when it is to be read from stdin. */
  message: string | undefined;
  id: string | undefined;
  /** Seconds to wait for the receipt; undefined = do not wait. */
  waitSeconds: number | undefined;
  printId: boolean;
  verbose: boolean;
}

export type PlanResult = { ok: true; plan: NotifyPlan } | { ok: false; reason: string };

export function planNotify(targets: string, words: readonly string[], options: NotifyOptions): PlanResult {
  const to = splitTargets(targets);
  if (to.length === 0) return fail('no target given; e.g. zen notify "#ops" deploy done');
  for (const target of to) {
    const problem = targetProblem(target);
    if (problem) return fail(problem);
  }
  if (options.action && options.notice) return fail('--action and --notice cannot go together');
  let waitSeconds: number | undefined;
  if (options.wait === true) waitSeconds = DEFAULT_WAIT_SECONDS;
  else if (typeof options.wait === 'string') {
    const n = Number(options.wait);
    if (!/^\d+(\.\d+)?$/.test(options.wait) || !(n > 0) || n > MAX_WAIT_SECONDS) {
      return fail(
        `--wait takes a number of seconds (at most ${MAX_WAIT_SECONDS}), got ${JSON.stringify(options.wait)}; ` +
          'put --wait after the message, or write --wait=60',
      );
    }
    waitSeconds = n;
  }
  if (options.id !== undefined) {
    const problem = noticeIdProblem(options.id);
    if (problem) return fail(problem);
  }
  let message: string | undefined;
  if (words.length === 1 && words[0] === '-') message = undefined;
  else if (words.length === 0) return fail('no message given; pass it after the targets, or `-` to read it from stdin');
  else message = words.join(' ');
  return {
    ok: true,
    plan: {
      to,
      type: options.action ? 'privmsg_action' : options.notice ? 'notice' : 'privmsg',
      message,
      id: options.id,
      waitSeconds,
      printId: options.printId ?? false,
      verbose: options.verbose ?? false,
    },
  };
}

/** The request for the notice client, once the message is known. */
export function noticeRequest(plan: NotifyPlan, message: string): NoticeRequest {
  const request: NoticeRequest = { to: plan.to, message, type: plan.type };
  if (plan.id !== undefined) request.id = plan.id;
  return request;
}

function fail(reason: string): PlanResult {
  return { ok: false, reason };
}
