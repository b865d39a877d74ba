import type { TargetOutcome } from '@zenrelay/protocol';
import type { Refusal } from './refusals';

/**
 * Folds what the server said about each line of one notice into its fate:
 * `sent` when every target accepted every line, otherwise `rejected`, with
 * the server's reasons and the outcome at each target. Pure.
 */

export interface TargetResult {
  /** The target as the notice named it. */
  target: string;
  /** The first refusal of one of its lines; undefined when all were accepted. */
  refusal: Refusal | undefined;
}

export interface NoticeOutcome {
  state: 'sent' | 'rejected';
  code?: string;
  reason?: string;
  targets: TargetOutcome[];
}

export function noticeOutcome(results: readonly TargetResult[]): NoticeOutcome {
  const targets: TargetOutcome[] = results.map(({ target, refusal }) =>
    refusal ? { target, state: 'rejected', code: refusal.code, reason: refusal.reason, numeric: refusal.numeric } : { target, state: 'sent' },
  );
  const refused = results.filter((r) => r.refusal !== undefined);
  if (refused.length === 0) return { state: 'sent', targets };
  const codes = new Set(refused.map((r) => r.refusal?.code));
  const sentTo = results.filter((r) => r.refusal === undefined).map((r) => r.target);
  const reasons = refused.map(({ target, refusal }) => `${target}: ${refusal?.reason} (${refusal?.numeric})`);
  const reason = `the IRC server refused it for ${reasons.join('; ')}${sentTo.length > 0 ? `; sent to ${sentTo.join(', ')}` : ''}`;
  return { state: 'rejected', code: codes.size === 1 ? [...codes][0] : 'refused', reason, targets };
}
