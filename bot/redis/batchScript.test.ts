import { itemResults, scriptRefusal } from './batchScript';

const replyError = (message: string): Error => Object.assign(new Error(message), { name: 'ReplyError' });

describe('itemResults', () => {
  it('marks the items a script reply names as failed, 1-based, and the rest as taken', () => {
    const results = itemResults(4, [2, 'WRONGTYPE Operation against a key holding the wrong kind of value', 4, 'NOPERM']);
    expect(results.map(([err]) => err?.message ?? null)).toEqual([null, 'WRONGTYPE Operation against a key holding the wrong kind of value', null, 'NOPERM']);
  });

  it('ignores indexes outside the batch and replies that are not lists', () => {
    expect(itemResults(2, [0, 'x', 3, 'y', 'a', 'z']).every(([err]) => err === null)).toBe(true);
    expect(itemResults(2, 'OK').every(([err]) => err === null)).toBe(true);
  });
});

describe('scriptRefusal', () => {
  it('is the reason for replies that refuse the call itself', () => {
    expect(scriptRefusal(replyError("NOPERM User noscripts has no permissions to run the 'evalsha' command"))).toMatch(/NOPERM/);
    expect(scriptRefusal(replyError("ERR unknown command 'evalsha'"))).toMatch(/unknown command/);
  });

  it('is undefined for other errors (the batch is then failed or retried as a whole, never sent twice)', () => {
    expect(scriptRefusal(replyError('OOM command not allowed when used memory > maxmemory'))).toBeUndefined();
    expect(scriptRefusal(new Error('Connection is closed.'))).toBeUndefined();
    expect(scriptRefusal('NOPERM')).toBeUndefined();
  });
});
