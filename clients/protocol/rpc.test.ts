import fc from 'fast-check';
import { busNames } from './names';
import { answerRequest, DEFAULT_RPC_DEADLINE_MS, MAX_RPC_DEADLINE_MS, parseRequest, parseResponse, replyChannelProblem, requestChannel, RpcError } from './rpc';

const names = busNames('net1');
const NOW = 1_700_000_000_000;
const request = (data: Record<string, unknown>) => JSON.stringify({ version: 1, type: 'request', data });

describe('parseRequest', () => {
  it('reads a request, filling in params and a default deadline', () => {
    const parsed = parseRequest(request({ id: 'a', method: 'status', reply_to: 'net1:zenrelay:reply:x' }), names, NOW);
    expect(parsed).toEqual({ ok: true, request: { id: 'a', method: 'status', params: {}, reply_to: 'net1:zenrelay:reply:x' }, deadline: NOW + DEFAULT_RPC_DEADLINE_MS });
  });

  it('keeps the caller deadline, capped', () => {
    const far = parseRequest(request({ id: 'a', method: 'm', reply_to: 'net1:zenrelay:reply:x', deadline: NOW + 10 * MAX_RPC_DEADLINE_MS }), names, NOW);
    expect(far.ok && far.deadline).toBe(NOW + MAX_RPC_DEADLINE_MS);
    const near = parseRequest(request({ id: 'a', method: 'm', reply_to: 'net1:zenrelay:reply:x', deadline: NOW + 5 }), names, NOW);
    expect(near.ok && near.deadline).toBe(NOW + 5);
  });

  it('never answers outside the reply prefix (not on out, not in another namespace)', () => {
    for (const replyTo of ['net1:out', 'out', 'zenrelay:reply:x', 'net1:zenrelay:reply:', 'net1:zenrelay:reply:a b', 'net1:zenrelay:reply:*']) {
      const parsed = parseRequest(request({ id: 'a', method: 'm', reply_to: replyTo }), names, NOW);
      expect(parsed).toMatchObject({ ok: false, id: 'a' });
      expect(parsed.ok === false && parsed.replyTo).toBeUndefined();
    }
  });

  it('tells a caller with a good reply channel why its request is bad', () => {
    const parsed = parseRequest(request({ id: 'a', method: 'm', reply_to: 'net1:zenrelay:reply:x', params: [1] }), names, NOW);
    expect(parsed).toMatchObject({ ok: false, id: 'a', replyTo: 'net1:zenrelay:reply:x' });
    expect(parsed.ok === false && parsed.reason).toMatch(/params/);
    expect(parseRequest('not json', names, NOW)).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseRequest('{"version":2,"type":"request","data":{"id":"a"}}', names, NOW)).toMatchObject({ ok: false });
  });

  it('accepts only reply channels under the prefix, for any string (property)', () => {
    fc.assert(
      fc.property(fc.string(), (suffix) => {
        const problem = replyChannelProblem(names, `net1:zenrelay:reply:${suffix}`);
        expect(problem === undefined).toBe(/^[A-Za-z0-9_.:-]{1,160}$/.test(suffix));
        expect(replyChannelProblem(names, suffix.startsWith('net1:zenrelay:reply:') ? 'out' : suffix)).toBeDefined();
      }),
    );
  });
});

describe('requestChannel', () => {
  it('is namespaced and refuses method names that are not names', () => {
    expect(requestChannel(names, 'status')).toBe('net1:zenrelay:rpc:status');
    expect(() => requestChannel(names, 'a b')).toThrow(/not valid/);
    expect(() => requestChannel(names, '__proto__')).toThrow(/not valid/);
  });
});

describe('answerRequest', () => {
  const req = { id: 'r1', method: 'm', params: { x: 1 }, reply_to: 'net1:zenrelay:reply:x' };

  it('turns a result into an ok response and an RpcError into its code', async () => {
    expect(await answerRequest(req, Date.now() + 1000, (ctx) => ({ got: ctx.params.x }))).toEqual({ version: 1, type: 'response', data: { id: 'r1', ok: true, result: { got: 1 } } });
    expect(await answerRequest(req, Date.now() + 1000, () => undefined)).toMatchObject({ data: { ok: true, result: null } });
    expect(await answerRequest(req, Date.now() + 1000, () => {
      throw new RpcError('nope', 'not today');
    })).toEqual({ version: 1, type: 'response', data: { id: 'r1', ok: false, error: { code: 'nope', message: 'not today' } } });
  });

  it('reports other failures, and results that cannot be sent, as handler_failed', async () => {
    const thrown = await answerRequest(req, Date.now() + 1000, async () => Promise.reject(new Error('boom')));
    expect(thrown).toMatchObject({ data: { ok: false, error: { code: 'handler_failed', message: 'm failed: boom' } } });
    const unsendable = await answerRequest(req, Date.now() + 1000, () => ({ big: 1n }));
    expect(unsendable).toMatchObject({ data: { ok: false, error: { code: 'handler_failed' } } });
  });

  it('does not answer after the deadline, and aborts the signal then', async () => {
    expect(await answerRequest(req, Date.now() - 1, () => 1)).toBeUndefined();
    let signal: AbortSignal | undefined;
    const late = await answerRequest(req, Date.now() + 30, async (ctx) => {
      signal = ctx.signal;
      await new Promise((resolve) => setTimeout(resolve, 80));
      return 1;
    });
    expect(late).toBeUndefined();
    expect(signal?.aborted).toBe(true);
  });
});

describe('parseResponse', () => {
  it('reads both kinds and rejects anything else', () => {
    expect(parseResponse('{"version":1,"type":"response","data":{"id":"1","ok":true,"result":[1]}}')).toEqual({ id: '1', ok: true, result: [1] });
    expect(parseResponse('{"version":1,"type":"response","data":{"id":"1","ok":false,"error":{"code":"x","message":"y"}}}')).toEqual({ id: '1', ok: false, error: { code: 'x', message: 'y' } });
    expect(parseResponse('{"version":1,"type":"response","data":{"id":"1","ok":false}}')).toBeUndefined();
    expect(parseResponse('nope')).toBeUndefined();
  });
});
