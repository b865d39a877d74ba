/**
 * ZenIRCBot's own JavaScript library, unchanged: the real zenircbot-api@2.4.1
 * from the npm registry (with the redis@3 client it needs), installed in its
 * own temp folder, runs a ZenIRCBot-style service against the real bot (real
 * Redis and ngircd) with the help service running, and a real IRC user uses
 * it: register_commands (its `<service> online!` goes through
 * send_admin_message, which reads zenircbot:admin_spew_channels and crashes
 * when the bot has not set it), `commands` and `services` answered in
 * private, `!cmd` and `nick: cmd`, a PM answered in the PM, send_action,
 * join_channel, part_channel, send_admin_message. The service never
 * registers in zenrelay's registry, so help must never say Wat about it.
 */
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@zenrelay/runtime';
import { bundledServices, RunningService } from '../../services';
import { connectUser, delay, IrcUser, ServerProcess, spawnServer, stopProcess, waitUntil } from '../harness';
import { ParsedLine } from '../harness/ircParse';
import { attendeeFolder, cleanEnv, runLine } from '../support/attendee';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(240_000);

/** A service written the ZenIRCBot way (its services/*.js used exactly these calls). */
const SERVICE = `var ZenIRCBot = require('zenircbot-api').ZenIRCBot;
var zen = new ZenIRCBot();   // Redis host, port and db from argv, as ZenIRCBot's admin passed them
zen.register_commands('oldschool', [
  {name: 'ping', description: 'pong!'},
  {name: 'wave', description: 'waves at you'}
]);
zen.filter({version: 1, type: 'directed_privmsg'}).on('data', function (msg) {
  var words = msg.data.message.split(' ');
  if (words[0] === 'ping') zen.send_privmsg(msg.data.channel, msg.data.sender + ': pong!');
  else if (words[0] === 'wave') zen.send_action(msg.data.channel, 'waves at ' + msg.data.sender);
  else if (words[0] === 'join') zen.join_channel(words[1]);
  else if (words[0] === 'part') zen.part_channel(words[1]);
  else if (words[0] === 'tell-admins') zen.send_admin_message(words.slice(1).join(' '));
});
console.log('oldschool service running');
`;

const QUIET_MS = 1500;

let stack: Stack;
let alice: IrcUser;
let help: RunningService;
let folder: string;
let service: ServerProcess;

const fromBot = (target: string, text?: string | RegExp) => (l: ParsedLine) =>
  l.command === 'PRIVMSG' &&
  l.nick === 'zenbot' &&
  l.params[0] === target &&
  (text === undefined || (typeof text === 'string' ? l.params[1] === text : text.test(l.params[1] ?? '')));

beforeAll(async () => {
  folder = attendeeFolder('zenrelay-zenircbot-api-');
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'oldschool', version: '1.0.0', private: true }));
  writeFileSync(join(folder, 'oldschool.js'), SERVICE);
  const installing = runLine('npm install zenircbot-api@2.4.1 redis@3', folder, cleanEnv());
  stack = await startStack({ env: { IRC_CHANNELS: '#test,#ops', ZEN_ADMIN_CHANNEL: '#ops', IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  await alice.join('#ops');
  // the help service with its defaults (no Wat)
  help = await bundledServices.help.start({
    redisUrl: stack.config.redisUrl,
    namespace: stack.config.namespace,
    env: {},
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test-help'),
  });
  await installing;
  alice.mark();
  service = spawnServer('zenircbot-api-service', process.execPath, ['oldschool.js', '127.0.0.1', String(stack.redis.port), '0'], {
    cwd: folder,
    env: { PATH: process.env.PATH },
  });
  await waitUntil(() => {
    const exit = service.exitInfo();
    if (exit) throw new Error(`the zenircbot-api service exited (${JSON.stringify(exit)}):\n${service.output()}`);
    return service.output().includes('oldschool service running');
  }, 20000, 'the zenircbot-api service to start');
}, 240_000);

afterAll(async () => {
  if (service) await stopProcess(service, 'SIGTERM');
  await help?.close();
  alice?.destroy();
  await stack?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

it('the bot stores the admin channel where ZenIRCBot did', async () => {
  expect(await stack.probe.pub.get('zenircbot:admin_spew_channels')).toBe('#ops');
});

it('register_commands announces the service in the admin channel, and the service keeps running', async () => {
  await alice.waitFor(fromBot('#ops', 'oldschool online!'), 15000, 0);
  await delay(500);
  expect(service.exitInfo()).toBeUndefined();
  expect(service.output()).not.toMatch(/TypeError/);
});

it("lists its commands via ZenIRCBot's `commands` and itself via `services`, in private", async () => {
  alice.mark();
  alice.say('zenbot', 'commands');
  await alice.waitFor(fromBot('alice', 'oldschool: ping - pong!'), 15000);
  await alice.waitFor(fromBot('alice', 'oldschool: wave - waves at you'), 15000);
  alice.mark();
  alice.say('#test', 'zenbot: services');
  await alice.waitFor(fromBot('alice', 'oldschool'), 15000);
});

it('answers `!ping` and `zenbot: ping` in the channel, once, with no Wat from help', async () => {
  const since = alice.mark();
  alice.say('#test', '!ping');
  await alice.waitFor(fromBot('#test', 'alice: pong!'), 15000);
  alice.say('#test', 'zenbot: ping');
  await alice.waitForCount(fromBot('#test', 'alice: pong!'), 2, 15000);
  alice.say('#test', '!wave');
  const action = await alice.waitFor(fromBot('#test', /ACTION/), 15000);
  expect(action.params[1]).toBe('\x01ACTION waves at alice\x01');
  await delay(QUIET_MS);
  const said = alice.lines.slice(since).filter(fromBot('#test')).map((l) => l.params[1]);
  expect(said).toEqual(['alice: pong!', 'alice: pong!', '\x01ACTION waves at alice\x01']);
});

it('answers a private message in private', async () => {
  alice.mark();
  alice.say('zenbot', 'ping');
  await alice.waitFor(fromBot('alice', 'alice: pong!'), 15000);
});

it('join_channel and part_channel move the bot; send_admin_message reaches the admin channel', async () => {
  await alice.join('#elsewhere');
  alice.mark();
  alice.say('#test', '!join #elsewhere');
  await alice.waitFor((l) => l.command === 'JOIN' && l.nick === 'zenbot' && l.params[0] === '#elsewhere', 15000);
  alice.say('#test', '!part #elsewhere');
  const part = await alice.waitFor((l) => l.command === 'PART' && l.nick === 'zenbot' && l.params[0] === '#elsewhere', 15000);
  expect(part.params[1]).toBe('Doing as my master bids.');
  alice.mark();
  alice.say('#test', '!tell-admins deploy finished');
  await alice.waitFor(fromBot('#ops', 'deploy finished'), 15000);
  expect(stack.probe.errors).toEqual([]);
  expect(service.exitInfo()).toBeUndefined();
});
