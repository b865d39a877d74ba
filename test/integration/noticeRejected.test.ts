/**
 * A notice the IRC server refuses is `rejected` with the server's reason and
 * the target, not `sent`: to a nick that does not exist (ngircd 401), to a
 * channel with +n the bot is not in (404), to a channel the bot is banned in
 * (404). `zen notify --wait` exits 1 and prints it; a notice to several
 * targets records each target's outcome; the webhook's GET /notices/<id>
 * shows it.
 */
import { request } from 'node:http';
import { createLogger } from '@zenrelay/runtime';
import { NoticeClient } from '../../clients/notices';
import { startWebhook, type RunningWebhook } from '../../services/webhook';
import { IrcUser, waitUntil } from '../harness';
import { joinedUser, runZen } from '../support/notices';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

const TOKEN = 'rejected-test-token-0123456789';
let stack: Stack;
let client: NoticeClient;
let alice: IrcUser;
let webhook: RunningWebhook;
const users: IrcUser[] = [];

beforeAll(async () => {
  stack = await startStack({ startBridge: false, ngircdNoPenalty: true, env: { IRC_SEND_RATE: '20', IRC_SEND_BURST: '10' } });
  // alice is in #test before the bot, so she is its operator (for the ban below).
  alice = await joinedUser(stack.irc, users, 'alice');
  await stack.startBridge();
  client = new NoticeClient({ redis: stack.redis.url });
  await client.connect();
  webhook = await startWebhook({ redisUrl: stack.redis.url, namespace: '', env: { WEBHOOK_PORT: '0', WEBHOOK_TOKEN: TOKEN }, logger: createLogger('silent', 'test-webhook') });
});

afterAll(async () => {
  await webhook?.close();
  for (const user of users) user.destroy();
  await client?.close();
  await stack?.stop();
});

const env = () => ({ REDIS_URL: stack.redis.url });

function getFate(id: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: webhook.port, path: `/notices/${encodeURIComponent(id)}`, headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('rejects a notice to a missing nick with the reason; zen notify --wait exits 1 and says why; the webhook shows it', async () => {
  const result = await runZen(['notify', '--id', 'to-ghost', 'ghostnick', 'hello there', '--wait=20'], env());
  expect(result.stderr).toMatch(/rejected notice to-ghost: the IRC server refused it for ghostnick: No such nick or channel name \(401\)/);
  expect(result.code).toBe(1);
  const fate = await client.fate('to-ghost');
  expect(fate).toMatchObject({ state: 'rejected', code: 'no_such_nick', targets: [{ target: 'ghostnick', state: 'rejected', code: 'no_such_nick', numeric: '401' }] });
  expect(fate?.reason).toMatch(/ghostnick: No such nick.*\(401\)/);
  const viaWebhook = await getFate('to-ghost');
  expect(viaWebhook.status).toBe(200);
  expect(viaWebhook.json).toMatchObject({ id: 'to-ghost', state: 'rejected', targets: [{ target: 'ghostnick', state: 'rejected', numeric: '401' }] });
});

it("records each target's outcome of a notice to several targets", async () => {
  alice.mark();
  const result = await runZen(['notify', '--id', 'mixed', '#test,ghostnick', 'to both', '--wait=20'], env());
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/ {2}#test: sent\n/);
  expect(result.stderr).toMatch(/ {2}ghostnick: rejected by the IRC server: No such nick or channel name \(401\)/);
  await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'to both', 5000);
  expect(await client.fate('mixed')).toMatchObject({
    state: 'rejected',
    targets: [
      { target: '#test', state: 'sent' },
      { target: 'ghostnick', state: 'rejected', code: 'no_such_nick' },
    ],
  });
});

it('sends a notice to targets that accept it as sent, with each target listed', async () => {
  const result = await runZen(['notify', '--id', 'fine', '#test', 'all good', '--wait=20'], env());
  expect(result.code).toBe(0);
  expect(await client.fate('fine')).toMatchObject({ state: 'sent', targets: [{ target: '#test', state: 'sent' }] });
});

it('rejects a notice to a +n channel the bot is not in (404)', async () => {
  const bob = await joinedUser(stack.irc, users, 'bob', '#locked');
  bob.send('MODE #locked +n');
  await bob.waitFor((l) => l.command === 'MODE' && l.params[0] === '#locked' && l.params[1]?.includes('n'), 5000).catch(() => undefined); // +n may already be set
  const result = await runZen(['notify', '--id', 'to-locked', '#locked', 'let me in', '--wait=20'], env());
  expect(result.code).toBe(1);
  expect(await client.fate('to-locked')).toMatchObject({ state: 'rejected', code: 'cannot_send_to_channel', targets: [{ target: '#locked', state: 'rejected', numeric: '404' }] });
  expect(bob.privmsgs('zenbot')).toEqual([]);
});

it('rejects a notice to a channel the bot is banned in (404)', async () => {
  alice.mark();
  alice.send('MODE #test +b zenbot!*@*');
  await alice.waitFor((l) => l.command === 'MODE' && l.params[1] === '+b', 5000);
  const result = await runZen(['notify', '--id', 'banned', '#test', 'can you hear me', '--wait=20'], env());
  expect(result.code).toBe(1);
  const fate = await client.fate('banned');
  expect(fate).toMatchObject({ state: 'rejected', code: 'cannot_send_to_channel', targets: [{ target: '#test', state: 'rejected', numeric: '404' }] });
  expect(fate?.reason).toMatch(/#test: .*\(404\)/);
  await waitUntil(async () => (await stack.probe.pub.xlen(stack.names.notices)) === 0, 5000, 'the stream to be empty');
});
