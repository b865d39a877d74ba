/**
 * Request/response over the bus, on a real Redis, the real bot and ngircd
 * with a real IRC user: the bot's `status`, `names` and `whois`; SDK
 * handlers that answer, fail with a code, throw, or never answer; 100
 * concurrent requests; a raw redis-cli-style request; and `zen status` with
 * the bot up and down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '@zenrelay/runtime';
import { RpcError } from '@zenrelay/protocol';
import { connect, ZenClient } from '@zenrelay/sdk';
import { connectUser, IrcUser, waitUntil } from '../harness';
import { spawnZen } from '../support/cli';
import { repoRoot } from '../support/built';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

let stack: Stack;
let alice: IrcUser;
let caller: ZenClient;
let server: ZenClient;

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'rpc-test');

async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(RpcError);
    return err as RpcError;
  }
  throw new Error('expected the request to fail');
}

beforeAll(async () => {
  stack = await startStack({ env: { ZEN_NAMESPACE: 'rpcnet', IRC_SEND_RATE: '50', IRC_SEND_BURST: '20', ZEN_RAW_ALLOW: 'JOIN,PART,NAMES,MODE' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice', username: 'alicew' });
  await alice.join('#test');
  caller = await connect({ redisUrl: stack.config.redisUrl, namespace: 'rpcnet', logger, name: 'caller' });
  server = await connect({ redisUrl: stack.config.redisUrl, namespace: 'rpcnet', logger, name: 'server' });
});

afterAll(async () => {
  await caller?.close();
  await server?.close();
  alice?.destroy();
  await stack?.stop();
});

describe('the bot answers', () => {
  it('status: Redis and IRC state, server, nick, channels, queue depth, uptime, version', async () => {
    const status = (await caller.request('status', {}, { timeout: 5000 })) as Record<string, any>;
    expect(status).toMatchObject({
      redis: { connected: true },
      irc: { server: `${stack.irc.host}:${stack.irc.port}`, registered: true, ready: true, nick: 'zenbot', channels: ['#test'], wanted_channels: ['#test'] },
      send_queue_depth: 0,
      in_stream: { enabled: true },
    });
    expect(typeof status.version).toBe('string');
    expect(status.uptime_seconds).toBeGreaterThanOrEqual(0);
  });

  it("names: a channel's members with their prefixes, kept up to date", async () => {
    await waitUntil(async () => {
      const names = (await caller.request('names', { channel: '#TEST' })) as { members: Array<{ nick: string; prefix: string }> };
      return names.members.some((m) => m.nick === 'alice');
    }, 10000, 'alice in the names answer');
    const names = (await caller.request('names', { channel: '#test' })) as Record<string, any>;
    expect(names.channel).toBe('#test');
    expect(names.members).toEqual([
      { nick: 'alice', prefix: '' },
      { nick: 'zenbot', prefix: '@' },
    ]);
    expect(names.nicks).toEqual({ alice: '', zenbot: '@' });
    // The bot gives alice voice: the MODE it sees updates her prefix.
    await stack.probe.publish({ version: 1, type: 'raw', data: { command: 'MODE #test +v alice' } });
    await waitUntil(async () => {
      const now = (await caller.request('names', { channel: '#test' })) as Record<string, any>;
      return now.nicks.alice === '+';
    }, 10000, 'alice to show as voiced');
    const bob = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'bob' });
    try {
      await bob.join('#test');
      await waitUntil(async () => {
        const now = (await caller.request('names', { channel: '#test' })) as Record<string, any>;
        return now.members.some((m: { nick: string }) => m.nick === 'bob');
      }, 10000, 'bob in the names answer');
    } finally {
      bob.destroy();
    }
    await waitUntil(async () => {
      const now = (await caller.request('names', { channel: '#test' })) as Record<string, any>;
      return !now.members.some((m: { nick: string }) => m.nick === 'bob');
    }, 10000, 'bob gone from the names answer after his quit');
  });

  it('names: a clear error for a channel the bot is not in, or a missing channel', async () => {
    const notIn = await rejection(caller.request('names', { channel: '#elsewhere' }));
    expect(notIn.code).toBe('not_found');
    expect(notIn.message).toBe('the bot is not in #elsewhere');
    expect((await rejection(caller.request('names', {}))).code).toBe('bad_request');
  });

  it("whois: a nick's user and host from the server's WHOIS reply; not_found for nobody", async () => {
    const who = (await caller.request('whois', { nick: 'ALICE' }, { timeout: 8000 })) as Record<string, any>;
    expect(who).toMatchObject({ nick: 'alice', user: expect.stringContaining('alicew'), host: expect.any(String) });
    expect(who.channels.join(' ')).toContain('#test');
    const nobody = await rejection(caller.request('whois', { nick: 'nobodyhere' }, { timeout: 8000 }));
    expect(nobody.code).toBe('not_found');
    const bad = await rejection(caller.request('whois', { nick: 'a b\r\nQUIT' }));
    expect(bad.code).toBe('bad_request');
    expect(stack.bridge?.status().ircReady).toBe(true);
  });
});

describe('SDK handlers', () => {
  it('return values become results, thrown RpcErrors keep their code, other errors are handler_failed', async () => {
    let seenDeadline = 0;
    await server.handle('math.add', (ctx) => {
      seenDeadline = ctx.deadline;
      return Number(ctx.params.a) + Number(ctx.params.b);
    });
    await server.handle('dice.roll', (ctx) => {
      if (typeof ctx.params.sides !== 'number') throw new RpcError('bad_dice', 'sides must be a number');
      throw new Error('the dice fell off the table');
    });
    const before = Date.now();
    expect(await caller.request('math.add', { a: 2, b: 40 }, { timeout: 4000 })).toBe(42);
    expect(seenDeadline).toBeGreaterThanOrEqual(before + 4000);
    expect(seenDeadline).toBeLessThanOrEqual(Date.now() + 4000);
    const own = await rejection(caller.request('dice.roll', {}));
    expect({ code: own.code, message: own.message }).toEqual({ code: 'bad_dice', message: 'sides must be a number' });
    const thrown = await rejection(caller.request('dice.roll', { sides: 6 }));
    expect(thrown.code).toBe('handler_failed');
    expect(thrown.message).toContain('the dice fell off the table');
  });

  it('a handler that never answers: the caller gets a clear timeout error; nobody handling: no_handler at once', async () => {
    let calls = 0;
    let aborted = false;
    await server.handle('hang', (ctx) => {
      calls++;
      ctx.signal.addEventListener('abort', () => (aborted = true));
      return new Promise(() => undefined);
    });
    const started = Date.now();
    const err = await rejection(caller.request('hang', {}, { timeout: 400 }));
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/^no answer to hang within 400 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(calls).toBe(1);
    await waitUntil(() => aborted, 2000, 'the handler to see its deadline pass');
    const none = await rejection(caller.request('nobody.home', {}, { timeout: 10000 }));
    expect(none.code).toBe('no_handler');
    expect(none.message).toContain('rpcnet:zenrelay:rpc:nobody.home');
  });

  it('100 concurrent requests each get their own answer', async () => {
    await server.handle('echo', async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20)));
      return { n: ctx.params.n, id: ctx.id };
    });
    const results = (await Promise.all(Array.from({ length: 100 }, (_, n) => caller.request('echo', { n }, { timeout: 15000 })))) as Array<{ n: number; id: string }>;
    expect(results.map((r) => r.n)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    expect(new Set(results.map((r) => r.id)).size).toBe(100);
    // The bot answers concurrent requests too.
    const statuses = await Promise.all(Array.from({ length: 100 }, () => caller.request('status', {}, { timeout: 15000 })));
    expect(statuses.every((s) => (s as { irc: { nick: string } }).irc.nick === 'zenbot')).toBe(true);
  });

  it("docs/protocol.md's redis-cli request gets its answer", async () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'protocol.md'), 'utf8');
    const subscribe = /^redis-cli subscribe (\S+)$/m.exec(doc);
    const publish = /^redis-cli publish (\S+) '(.+)'$/m.exec(doc);
    expect(subscribe && publish).toBeTruthy();
    const ns = (name: string) => `rpcnet:${name}`; // this stack runs in a namespace
    const request = JSON.parse(publish![2]);
    request.data.reply_to = ns(request.data.reply_to);
    const sub = new Redis(stack.config.redisUrl);
    const pub = new Redis(stack.config.redisUrl);
    try {
      const got: string[] = [];
      sub.on('message', (_c: string, m: string) => got.push(m));
      await sub.subscribe(ns(subscribe![1]));
      expect(await pub.publish(ns(publish![1]), JSON.stringify(request))).toBe(1);
      await waitUntil(() => got.length >= 1, 5000, 'the response');
      expect(JSON.parse(got[0])).toMatchObject({ type: 'response', data: { id: request.data.id, ok: true, result: { irc: { nick: 'zenbot' } } } });
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });

  it('a request written by hand (as redis-cli would) gets its answer, and a bad one its error', async () => {
    const sub = new Redis(stack.config.redisUrl);
    const pub = new Redis(stack.config.redisUrl);
    try {
      const got: string[] = [];
      sub.on('message', (_c: string, m: string) => got.push(m));
      await sub.subscribe('rpcnet:zenrelay:reply:me');
      const receivers = await pub.publish('rpcnet:zenrelay:rpc:status', '{"version":1,"type":"request","data":{"id":"1","method":"status","reply_to":"rpcnet:zenrelay:reply:me"}}');
      expect(receivers).toBe(1);
      await pub.publish('rpcnet:zenrelay:rpc:status', '{"version":1,"type":"request","data":{"id":"2","method":"status","reply_to":"rpcnet:zenrelay:reply:me","params":[]}}');
      // A reply_to outside the reply prefix (here: `out`) is never published on.
      await pub.publish('rpcnet:zenrelay:rpc:status', '{"version":1,"type":"request","data":{"id":"3","method":"status","reply_to":"rpcnet:out"}}');
      await waitUntil(() => got.length >= 2, 5000, 'two responses');
      const responses = got.map((m) => JSON.parse(m));
      const first = responses.find((r) => r.data?.id === '1');
      const second = responses.find((r) => r.data?.id === '2');
      expect(first).toMatchObject({ version: 1, type: 'response', data: { id: '1', ok: true, result: { irc: { nick: 'zenbot' } } } });
      expect(second).toMatchObject({ version: 1, type: 'response', data: { id: '2', ok: false, error: { code: 'bad_request' } } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(got).toHaveLength(2);
      expect(stack.probe.errors).toEqual([]);
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });
});

describe('zen status', () => {
  const env = () => ({ REDIS_URL: stack.config.redisUrl, ZEN_NAMESPACE: 'rpcnet' });

  it("prints the bot's status and exits 0; --json prints the answer", async () => {
    const text = spawnZen(['status'], env(), repoRoot);
    expect((await text.exited).code).toBe(0);
    expect(text.stdout()).toMatch(/^zenrelay \S+ on namespace rpcnet, up /);
    expect(text.stdout()).toContain(`IRC:        ready on ${stack.irc.host}:${stack.irc.port} as zenbot`);
    expect(text.stdout()).toContain('Channels:   #test');
    expect(text.stdout()).toContain('Redis:      connected');
    const json = spawnZen(['status', '--json'], env(), repoRoot);
    expect((await json.exited).code).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ irc: { nick: 'zenbot', ready: true }, redis: { connected: true } });
  });

  it('says plainly that no bot answered, and exits 1, when the bot is down', async () => {
    await stack.stopBridge();
    const down = spawnZen(['status', '--timeout', '1'], env(), repoRoot);
    expect((await down.exited).code).toBe(1);
    expect(down.stderr()).toContain('zen status: no bot answered on namespace rpcnet at redis://127.0.0.1:');
    expect(down.stdout()).toBe('');
    const other = spawnZen(['status', '--timeout', 'soon'], env(), repoRoot);
    expect((await other.exited).code).toBe(2);
    expect(other.stderr()).toContain('--timeout must be a number of seconds');
  });
});
