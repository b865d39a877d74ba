import { envelope, type FinalNoticeState, type ReceiptEvent, type TargetOutcome } from '@zenrelay/protocol';

/**
 * The final record of one notice: the fields written to its fate hash and the
 * `receipt` envelope announced on the receipts channel. Pure.
 */

export interface FinishedNotice {
  id: string;
  entryId: string;
  state: FinalNoticeState;
  code?: string;
  reason?: string;
  /** The outcome at each target, once lines went out. */
  targets?: TargetOutcome[];
}

export interface FateRecord {
  /**
   * Fields to HSET on `<noticePrefix><id>`, after deleting `code` and
   * `reason` (FATE_CLEARED); the publisher's fields (queued_at, to…) stay.
   */
  fields: Record<string, string>;
  receipt: ReceiptEvent;
}

/** Fields removed before the final ones are written, so no reason of an earlier attempt remains. */
export const FATE_CLEARED = ['code', 'reason', 'targets'] as const;

export function fateRecord(notice: FinishedNotice, atMs: number): FateRecord {
  const at = new Date(atMs).toISOString();
  const fields: Record<string, string> = { state: notice.state, done_at: at, entry: notice.entryId };
  const data: ReceiptEvent['data'] = { id: notice.id, state: notice.state, entry: notice.entryId, at };
  if (notice.code !== undefined) fields.code = data.code = notice.code;
  if (notice.reason !== undefined) fields.reason = data.reason = notice.reason;
  if (notice.targets !== undefined) {
    fields.targets = JSON.stringify(notice.targets);
    data.targets = notice.targets;
  }
  return { fields, receipt: envelope('receipt', data) };
}
