/**
 * The bot's HTTP endpoint on a real stack (ngircd + Redis + bridge):
 * `/healthz` follows the real state of Redis and IRC, `/metrics` serves the
 * bridge's counters and the process metrics in Prometheus text.
 */
import { request } from 'node:http';
import { startBridgeHttp, type HttpEndpoint } from '../../bot/http';
import { createLogger } from '@zenrelay/runtime';
import { connectUser, IrcUser, waitUntil } from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

let stack: Stack;
let http: HttpEndpoint;
let alice: IrcUser;

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

function get(path: string, method = 'GET'): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: http.port, path, method, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function health(): Promise<{ status: number; body: { status: string; reasons: string[] } }> {
  const reply = await get('/healthz');
  return { status: reply.status, body: JSON.parse(reply.body) as { status: string; reasons: string[] } };
}

/** The value of one sample line, e.g. `zen_in_events_total{type="privmsg"}`; 0 when absent. */
async function sample(series: string): Promise<number> {
  const { body } = await get('/metrics');
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function waitForHealth(status: number, what: string): Promise<{ status: string; reasons: string[] }> {
  let last: { status: string; reasons: string[] } | undefined;
  await waitUntil(
    async () => {
      const reply = await health();
      last = reply.body;
      return reply.status === status;
    },
    30000,
    `/healthz to answer ${status} (${what}); last body ${JSON.stringify(last)}`,
    100,
  );
  return last as { status: string; reasons: string[] };
}

beforeAll(async () => {
  stack = await startStack({ env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
  const bridge = stack.bridge;
  if (!bridge) throw new Error('the stack started without a bridge');
  http = (await startBridgeHttp({ httpHost: '127.0.0.1', httpPort: 0 }, bridge, createLogger('silent'))) as HttpEndpoint;
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
});

afterAll(async () => {
  alice?.destroy();
  await http?.close();
  await stack?.stop();
});

describe('/healthz', () => {
  it('answers 200 with the bot state when Redis is connected and the bot registered and joined', async () => {
    const reply = await get('/healthz');
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(reply.body)).toMatchObject({ status: 'ok', reasons: [], redis: true, irc: { registered: true, nick: 'zenbot', channels: ['#test'] } });
  });

  it('answers 503 with the reasons while the IRC server is down, and 200 again once the bot is back', async () => {
    const reconnects = await sample('zen_irc_reconnects_total');
    await stack.irc.kill();
    const down = await waitForHealth(503, 'IRC server killed');
    expect(down.status).toBe('unavailable');
    expect(down.reasons).toEqual(expect.arrayContaining(['irc not registered', 'not joined: #test']));
    expect(down.reasons).not.toContain('redis disconnected');
    await stack.irc.restart();
    const up = await waitForHealth(200, 'IRC server restarted');
    expect(up).toMatchObject({ status: 'ok', reasons: [] });
    expect(await sample('zen_irc_reconnects_total')).toBeGreaterThan(reconnects);
    expect(await sample('zen_irc_registered')).toBe(1);
    // the user had been disconnected with the server; connect again for the tests below
    alice.destroy();
    alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
    await alice.join('#test');
  });

  it('answers 503 "redis disconnected" while Redis is down, and 200 again after it restarts', async () => {
    const reconnects = await sample('zen_redis_reconnects_total');
    await stack.redis.kill();
    const down = await waitForHealth(503, 'Redis killed');
    expect(down.reasons).toEqual(['redis disconnected']);
    await stack.redis.restart();
    await waitForHealth(200, 'Redis restarted');
    expect(await sample('zen_redis_reconnects_total')).toBeGreaterThan(reconnects);
    // the probe resubscribes on its own; wait for it so later tests see every event
    await waitUntil(
      async () => {
        const reply = (await stack.probe.pub.call('PUBSUB', 'NUMSUB', stack.names.in)) as [string, number];
        return Number(reply[1]) >= 1;
      },
      10000,
      'the probe to resubscribe to `in`',
    );
  });
});

describe('/metrics', () => {
  it('serves Prometheus text with the bridge counters and the process metrics', async () => {
    const reply = await get('/metrics');
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^text\/plain/);
    for (const name of ['zen_in_events_total', 'zen_send_queue_depth', 'zen_send_delay_seconds', 'zen_irc_reconnects_total', 'zen_redis_reconnects_total', 'zen_rejected_total', 'process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']) {
      expect(reply.body).toContain(`# TYPE ${name} `);
    }
  });

  it('counts a user message in zen_in_events_total{type="privmsg"}', async () => {
    const series = 'zen_in_events_total{type="privmsg"}';
    const before = await sample(series);
    alice.say('#test', 'counted, I hope');
    await stack.probe.waitForEvent('privmsg', (d) => d.message === 'counted, I hope');
    await waitUntil(async () => (await sample(series)) === before + 1, 10000, `${series} to reach ${before + 1}`);
  });

  it('counts a junk payload in zen_rejected_total{code="invalid_json"}', async () => {
    const series = 'zen_rejected_total{code="invalid_json"}';
    const before = await sample(series);
    await stack.probe.publish('{"version":1, this is not json');
    await stack.probe.waitForError((d) => d.code === 'invalid_json');
    await waitUntil(async () => (await sample(series)) === before + 1, 10000, `${series} to reach ${before + 1}`);
  });

  it('counts lines sent and observes the send delay', async () => {
    const series = 'zen_irc_lines_sent_total{command="PRIVMSG"}';
    const before = await sample(series);
    const delays = await sample('zen_send_delay_seconds_count');
    alice.mark();
    await stack.probe.say('#test', 'metrics check');
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'metrics check');
    await waitUntil(async () => (await sample(series)) > before, 10000, `${series} to grow`);
    expect(await sample('zen_send_delay_seconds_count')).toBeGreaterThan(delays);
  });
});

describe('other requests', () => {
  it('answers 404 for unknown paths and 405 for other methods', async () => {
    expect((await get('/')).status).toBe(404);
    expect((await get('/healthz', 'POST')).status).toBe(405);
    const head = await get('/healthz', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });
});
