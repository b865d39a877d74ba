/**
 * The webhook service on a real Redis, the bridge and ngircd: auth, limits,
 * formatters (GitHub push, Alertmanager, generic JSON, plain text) arriving
 * on IRC, and GET /notices/<id> following the notice to `sent`.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createLogger } from '@zenrelay/runtime';
import { startWebhook, type RunningWebhook } from '../../services/webhook';
import { connectUser, freePort, IrcUser, waitUntil } from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

const TOKEN = 'webhook-test-token-0123456789';
const GITHUB_SECRET = 'github-secret-for-tests';
const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'services', 'webhook', 'fixtures', name));
let stack: Stack;
let alice: IrcUser;
let webhook: RunningWebhook;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

/** One HTTP request; resolves with the response even when the server stops reading the body early. */
function http(port: number, method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {}): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined && !options.chunked) headers['Content-Length'] = Buffer.byteLength(options.body);
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: Record<string, unknown> = {};
        try {
          json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
        } catch {
          reject(new Error(`not JSON: ${text}`));
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    if (options.body !== undefined && options.chunked) {
      const body = Buffer.from(options.body);
      for (let i = 0; i < body.length; i += 1024) req.write(body.subarray(i, i + 1024));
    } else if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const auth = { Authorization: `Bearer ${TOKEN}` };
const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) => http(webhook.port, 'POST', path, { headers: { ...auth, ...headers }, body });
const streamLength = () => stack.probe.pub.xlen(stack.names.notices);
/** The stream length once earlier notices were acknowledged (the bot acknowledges on the server's proof, a moment after the user sees them). */
async function settledStreamLength(): Promise<number> {
  await waitUntil(async () => (await streamLength()) === 0, 10000, 'earlier notices to be acknowledged');
  return 0;
}
const fromBot = (text: string) => (l: { command: string; nick?: string; params: string[] }) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[1] === text;

/** Starts a webhook and waits until it is connected to Redis. */
async function start(env: Record<string, string>): Promise<RunningWebhook> {
  const running = await startWebhook({ redisUrl: stack.redis.url, namespace: '', env: { WEBHOOK_PORT: '0', ...env }, logger: createLogger('silent', 'test-webhook') });
  await waitUntil(async () => (await http(running.port, 'GET', '/healthz')).status === 200, 10000, 'the webhook to reach Redis');
  return running;
}

beforeAll(async () => {
  stack = await startStack({ ngircdNoPenalty: true, env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  webhook = await start({ WEBHOOK_TOKEN: TOKEN, WEBHOOK_GITHUB_SECRET: GITHUB_SECRET, WEBHOOK_GITHUB_TARGETS: '#test,octo-org/zenrelay=alice', WEBHOOK_MAX_BODY_BYTES: '4096', WEBHOOK_BURST: '1000' });
});

afterAll(async () => {
  await webhook?.close();
  alice?.destroy();
  await stack?.stop();
});

describe('health and routes', () => {
  it('answers /healthz without a token', async () => {
    expect(await http(webhook.port, 'GET', '/healthz')).toMatchObject({ status: 200, json: { ok: true, redis: 'ready' } });
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect((await http(webhook.port, 'GET', '/nope', { headers: auth })).status).toBe(404);
    const wrong = await http(webhook.port, 'GET', '/notify/%23test', { headers: auth });
    expect(wrong).toMatchObject({ status: 405, headers: { allow: 'POST' } });
  });
});

describe('auth', () => {
  it.each([
    ['no Authorization header', {}, /missing bearer token/],
    ['a wrong token', { Authorization: 'Bearer not-the-right-token-at-all' }, /wrong token/],
    ['a token one character short', { Authorization: `Bearer ${TOKEN.slice(0, -1)}` }, /wrong token/],
    ['Basic auth', { Authorization: 'Basic dXNlcjpwYXNz' }, /missing bearer token/],
  ])('refuses %s with 401 and queues nothing', async (_name, headers, error) => {
    const before = await settledStreamLength();
    const reply = await http(webhook.port, 'POST', '/notify/%23test', { headers, body: 'should never arrive' });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(String(reply.json.error)).toMatch(error);
    expect(await streamLength()).toBe(before);
  });

  it('hints at WEBHOOK_GITHUB_SECRET when a signed request arrives without a token and the secret is not set', async () => {
    const plain = await start({ WEBHOOK_TOKEN: TOKEN });
    try {
      const headers = { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` };
      const reply = await http(plain.port, 'POST', '/notify/%23test', { headers, body: '{}' });
      expect(reply.status).toBe(401);
      expect(String(reply.json.error)).toMatch(/^missing bearer token: .*; this request is signed \(X-Hub-Signature-256\): set WEBHOOK_GITHUB_SECRET/);
      // Without the signature header there is no such hint.
      const unsigned = await http(plain.port, 'POST', '/notify/%23test', { body: 'x' });
      expect(String(unsigned.json.error)).not.toContain('WEBHOOK_GITHUB_SECRET');
    } finally {
      await plain.close();
    }
  });

  it('also guards GET /notices/<id>', async () => {
    expect((await http(webhook.port, 'GET', '/notices/anything')).status).toBe(401);
  });
});

describe('notices through the webhook', () => {
  it('relays a plain-text body and reports its fate as sent', async () => {
    const reply = await post('/notify/%23test', 'deploy of v1.4 finished', { 'Content-Type': 'text/plain' });
    expect(reply.status).toBe(202);
    const id = String(reply.json.id);
    expect(reply.json.fate).toBe(`/notices/${id}`);
    await alice.waitFor(fromBot('deploy of v1.4 finished'));
    await waitUntil(async () => (await http(webhook.port, 'GET', `/notices/${id}`, { headers: auth })).json.state === 'sent', 10000, 'the fate to be sent');
    const fate = await http(webhook.port, 'GET', `/notices/${id}`, { headers: auth });
    expect(fate).toMatchObject({ status: 200, json: { id, state: 'sent', to: '#test', type: 'privmsg' } });
    expect(fate.json.done_at).toEqual(expect.any(String));
  });

  it('relays generic JSON with a message field as a NOTICE to a nick', async () => {
    alice.mark();
    const reply = await post('/notify/alice?type=notice', JSON.stringify({ message: 'backup done', host: 'db-1' }), { 'Content-Type': 'application/json' });
    expect(reply.status).toBe(202);
    const line = await alice.waitFor((l) => l.command === 'NOTICE' && l.nick === 'zenbot');
    expect(line.params).toEqual(['alice', 'backup done']);
  });

  it('formats a GitHub push and ignores a GitHub ping', async () => {
    alice.mark();
    const reply = await post('/notify/%23test', fixture('github-push.json'), { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' });
    expect(reply.status).toBe(202);
    await alice.waitFor(fromBot('[octo-org/zenrelay] alice pushed 3 commits to main: Release 1.4.0'));
    await alice.waitFor(fromBot('  a3f1b2c Split long lines at word boundaries (alice)'));
    await alice.waitFor(fromBot('  https://github.com/octo-org/zenrelay/compare/6113728f27ae...0d1a26e67d8f'));

    const before = await settledStreamLength();
    const ping = await post('/notify/%23test', JSON.stringify({ zen: 'Design for failure.', hook_id: 1 }), { 'Content-Type': 'application/json', 'X-GitHub-Event': 'ping' });
    expect(ping).toMatchObject({ status: 200, json: { ignored: expect.stringMatching(/ping/) } });
    expect(await streamLength()).toBe(before);
  });

  it('accepts a GitHub delivery signed with WEBHOOK_GITHUB_SECRET instead of a token, and refuses a bad signature', async () => {
    const body = Buffer.from(JSON.stringify({ ...JSON.parse(fixture('github-push.json').toString()), ref: 'refs/tags/v1.4.0', commits: [] }));
    const signature = `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`;
    const github = { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' };
    alice.mark();
    const signed = await http(webhook.port, 'POST', '/notify/%23test', { headers: { ...github, 'X-Hub-Signature-256': signature, 'X-GitHub-Delivery': 'd-1' }, body });
    expect(signed.status).toBe(202);
    await alice.waitFor(fromBot('[octo-org/zenrelay] alice pushed tag v1.4.0'));

    const before = await settledStreamLength();
    const tampered = Buffer.from(body.toString().replace('v1.4.0', 'v6.6.6'));
    const forged = await http(webhook.port, 'POST', '/notify/%23test', { headers: { ...github, 'X-Hub-Signature-256': signature, 'X-GitHub-Delivery': 'd-2' }, body: tampered });
    expect(forged.status).toBe(401);
    expect(String(forged.json.error)).toMatch(/X-Hub-Signature-256 does not match the body/);
    expect(await streamLength()).toBe(before);
  });

  it('accepts a signed GitHub delivery once: a replay, to the same or another target, queues nothing', async () => {
    const body = Buffer.from(JSON.stringify({ ...JSON.parse(fixture('github-push.json').toString()), ref: 'refs/tags/v1.5.0', commits: [] }));
    const headers = { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}` };
    const first = await http(webhook.port, 'POST', '/notify/%23test', { headers: { ...headers, 'X-GitHub-Delivery': 'replay-1' }, body });
    expect(first.status).toBe(202);
    const id = String(first.json.id);
    await waitUntil(async () => (await http(webhook.port, 'GET', `/notices/${id}`, { headers: auth })).json.state === 'sent', 10000, 'the first delivery to be sent');
    const before = await streamLength();
    const again = await http(webhook.port, 'POST', '/notify/%23test', { headers: { ...headers, 'X-GitHub-Delivery': 'replay-1' }, body });
    expect(again).toMatchObject({ status: 409, json: { code: 'replayed' } });
    const elsewhere = await http(webhook.port, 'POST', '/notify/alice', { headers: { ...headers, 'X-GitHub-Delivery': 'replay-1' }, body });
    expect(elsewhere.status).toBe(409);
    const noId = await http(webhook.port, 'POST', '/notify/%23test', { headers, body });
    expect(noId.status).toBe(400);
    expect(String(noId.json.error)).toMatch(/X-GitHub-Delivery/);
    expect(await streamLength()).toBe(before);
  });

  it('sends a signed GitHub delivery only to the targets WEBHOOK_GITHUB_TARGETS allows for its repository', async () => {
    const push = JSON.parse(fixture('github-push.json').toString());
    const sign = (b: Buffer) => ({ 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(b).digest('hex')}` });
    const own = Buffer.from(JSON.stringify({ ...push, ref: 'refs/tags/v1.6.0', commits: [] }));
    const before = await streamLength();
    // The captured delivery of octo-org/zenrelay, aimed at a victim and another channel.
    const victim = await http(webhook.port, 'POST', '/notify/victim,%23other', { headers: { ...sign(own), 'X-GitHub-Delivery': 'route-1' }, body: own });
    expect(victim).toMatchObject({ status: 403, json: { code: 'target_not_allowed' } });
    expect(String(victim.json.error)).toMatch(/repository octo-org\/zenrelay .*victim, #other .*#test, alice/);
    const foreign = Buffer.from(JSON.stringify({ ...push, repository: { ...push.repository, full_name: 'mallory/repo' }, ref: 'refs/tags/v0.0.1', commits: [] }));
    const notTheirs = await http(webhook.port, 'POST', '/notify/alice', { headers: { ...sign(foreign), 'X-GitHub-Delivery': 'route-2' }, body: foreign });
    expect(notTheirs.status).toBe(403);
    expect(await streamLength()).toBe(before);
    // The refused deliveries were not remembered: the same id to an allowed target goes through.
    alice.mark();
    const allowed = await http(webhook.port, 'POST', '/notify/alice', { headers: { ...sign(own), 'X-GitHub-Delivery': 'route-1' }, body: own });
    expect(allowed.status).toBe(202);
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === 'alice' && l.params[1] === '[octo-org/zenrelay] alice pushed tag v1.6.0');
    // A bearer token is not limited by the mapping.
    expect((await post('/notify/%23other', 'ops note', { 'Content-Type': 'text/plain' })).status).toBe(202);
  });

  it('formats an Alertmanager webhook, one line per alert', async () => {
    alice.mark();
    const reply = await post('/notify/%23test', fixture('alertmanager.json'), { 'Content-Type': 'application/json' });
    expect(reply.status).toBe(202);
    await alice.waitFor(fromBot('[FIRING] HighErrorRate (severity=critical, instance=web-1:9100, job=api): Error rate above 5% on web-1 — 7.2% of requests to /api failed over the last 10 minutes.'));
    await alice.waitFor(fromBot('[RESOLVED] DiskAlmostFull (severity=warning, instance=db-2:9100, job=node): Disk /var/lib/postgresql on db-2 is 91% full'));
  });
});

describe('bad requests', () => {
  it.each([
    ['malformed JSON', '/notify/%23test', '{"message": "unterminated', { 'Content-Type': 'application/json' }, /^malformed JSON: /],
    ['JSON without a message', '/notify/%23test', '{"msg":"x"}', { 'Content-Type': 'application/json' }, /needs a "message" \(or "text"\) string field/],
    ['an empty body', '/notify/%23test', '', {}, /body is empty/],
    ['a bad target', '/notify/no%20spaces', 'hi', {}, /neither a channel .* \(write # as %23 in the URL\)/],
    ['an unknown type', '/notify/%23test?type=shout', 'hi', {}, /type must be privmsg, notice or action/],
    ['type constructor (inherited from Object)', '/notify/%23test?type=constructor', 'hi', {}, /type must be privmsg, notice or action, got "constructor"/],
    ['type __proto__ (inherited from Object)', '/notify/%23test?type=__proto__', 'hi', {}, /type must be privmsg, notice or action, got "__proto__"/],
    ['type toString (inherited from Object)', '/notify/%23test?type=toString', 'hi', {}, /type must be privmsg, notice or action, got "toString"/],
  ])('answers %s with 400 and a reason, queueing nothing', async (_name, path, body, headers, error) => {
    const before = await settledStreamLength();
    const reply = await post(path, body, headers);
    expect(reply.status).toBe(400);
    expect(String(reply.json.error)).toMatch(error);
    expect(await streamLength()).toBe(before);
  });

  it('answers an oversize body with 413, declared or streamed', async () => {
    const big = 'x'.repeat(5000);
    const declared = await post('/notify/%23test', big);
    expect(declared.status).toBe(413);
    expect(String(declared.json.error)).toMatch(/the limit is 4096 \(WEBHOOK_MAX_BODY_BYTES\)/);
    const streamed = await http(webhook.port, 'POST', '/notify/%23test', { headers: auth, body: big, chunked: true });
    expect(streamed.status).toBe(413);
  });

  it('answers an unknown notice id with 404', async () => {
    const reply = await http(webhook.port, 'GET', '/notices/no-such-notice', { headers: auth });
    expect(reply).toMatchObject({ status: 404, json: { error: expect.stringMatching(/no notice "no-such-notice"/) } });
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a client has used its burst, auth failures included', async () => {
    const limited = await start({ WEBHOOK_TOKEN: TOKEN, WEBHOOK_BURST: '2', WEBHOOK_RATE_PER_MINUTE: '1' });
    try {
      expect((await http(limited.port, 'POST', '/notify/%23test', { body: 'no token' })).status).toBe(401);
      expect((await http(limited.port, 'POST', '/notify/%23test', { headers: auth, body: 'rate one' })).status).toBe(202);
      const refused = await http(limited.port, 'POST', '/notify/%23test', { headers: auth, body: 'rate two' });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(String(refused.json.error)).toMatch(/too many requests/);
      // Health checks are never limited.
      expect((await http(limited.port, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('without Redis', () => {
  it('starts anyway, reports 503 on /healthz and refuses notices with 503 instead of losing them', async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const orphan = await startWebhook({ redisUrl: nowhere, namespace: '', env: { WEBHOOK_PORT: '0', WEBHOOK_TOKEN: TOKEN }, logger: createLogger('silent', 'test-webhook') });
    try {
      expect((await http(orphan.port, 'GET', '/healthz')).status).toBe(503);
      const reply = await http(orphan.port, 'POST', '/notify/%23test', { headers: auth, body: 'nowhere to go' });
      expect(reply.status).toBe(503);
      expect(String(reply.json.error)).toMatch(/Redis is unavailable .*the notice was not queued, try again/);
    } finally {
      await orphan.close();
    }
  });
});
