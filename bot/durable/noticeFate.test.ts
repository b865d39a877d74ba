import { receiptEvent } from '@zenrelay/protocol';
import { fateRecord } from './noticeFate';

describe('fateRecord', () => {
  const at = Date.UTC(2024, 4, 14, 10, 0, 0);

  it('records a sent notice and announces a valid receipt', () => {
    const record = fateRecord({ id: 'n-1', entryId: '1-0', state: 'sent' }, at);
    expect(record.fields).toEqual({ state: 'sent', done_at: '2024-05-14T10:00:00.000Z', entry: '1-0' });
    expect(record.receipt).toEqual({ version: 1, type: 'receipt', data: { id: 'n-1', state: 'sent', entry: '1-0', at: '2024-05-14T10:00:00.000Z' } });
    expect(receiptEvent.safeParse(record.receipt).success).toBe(true);
  });

  it('carries the code and reason of a rejection or expiry', () => {
    const record = fateRecord({ id: 'n-2', entryId: '2-0', state: 'rejected', code: 'bad_target', reason: 'target "a b" is neither…' }, at);
    expect(record.fields).toMatchObject({ state: 'rejected', code: 'bad_target', reason: 'target "a b" is neither…' });
    expect(record.receipt.data).toMatchObject({ state: 'rejected', code: 'bad_target', reason: 'target "a b" is neither…' });
    expect(receiptEvent.safeParse(fateRecord({ id: 'n-3', entryId: '3-0', state: 'expired', code: 'expired', reason: 'old' }, at).receipt).success).toBe(true);
  });
});
