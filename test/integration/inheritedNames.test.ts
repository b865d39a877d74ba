/**
 * Names inherited from Object (`constructor`, `__proto__`, `toString`…) are
 * valid nicks and valid command names, and never protocol types. On a real
 * bot, Redis and ngircd, with hello and help running: such types on `out`
 * and `in` are refused or ignored, and everybody keeps answering; users and
 * commands with such names work like any other.
 */
import { createLogger } from '@zenrelay/runtime';
import { INHERITED_NAMES } from '@zenrelay/protocol';
import { createService, ZenService } from '@zenrelay/sdk';
import { bundledServices, RunningService, ServiceContext } from '../../services';
import { connectUser, delay, IrcUser } from '../harness';
import { ParsedLine } from '../harness/ircParse';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

let stack: Stack;
let alice: IrcUser;
const running: RunningService[] = [];

function context(): ServiceContext {
  return {
    redisUrl: stack.config.redisUrl,
    namespace: stack.config.namespace,
    env: {},
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test-service'),
  };
}

const botSays =
  (target: string, text: string | RegExp) =>
  (l: ParsedLine): boolean =>
    l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === target && (typeof text === 'string' ? l.params[1] === text : text.test(l.params[1] ?? ''));

async function ask(user: IrcUser, text: string, answer: string | RegExp): Promise<void> {
  user.mark();
  user.say('#test', text);
  await user.waitFor(botSays('#test', answer), 15000);
}

/** Each inherited name as a type on a channel, as JSON text (so `__proto__` is a real key, not a prototype). */
async function publishInheritedTypes(channel: 'in' | 'out'): Promise<void> {
  for (const type of INHERITED_NAMES) {
    const payload = `{"version":1,"type":${JSON.stringify(type)},"data":{"to":"#test","message":"x","sender":"a","channel":"#test"}}`;
    if (channel === 'in') await stack.probe.publishIn(payload);
    else await stack.probe.publish(payload);
  }
}

beforeAll(async () => {
  stack = await startStack({ env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  running.push(await bundledServices.hello.start(context()));
  running.push(await bundledServices.help.start(context()));
});

afterAll(async () => {
  for (const service of running.reverse()) await service.close().catch(() => undefined);
  alice?.destroy();
  await stack?.stop();
});

it('refuses every inherited name as a type on out with unknown_type, and keeps relaying', async () => {
  await publishInheritedTypes('out');
  for (const type of INHERITED_NAMES) {
    const error = await stack.probe.waitForError((d) => d.input.includes(`"type":${JSON.stringify(type)}`));
    expect(error.data.code).toBe('unknown_type');
  }
  alice.mark();
  await stack.probe.say('#test', 'still relaying');
  await alice.waitFor(botSays('#test', 'still relaying'));
  expect(stack.bridge?.status().ircReady).toBe(true);
});

it('leaves hello and help running when inherited names arrive as types on in', async () => {
  await publishInheritedTypes('in');
  await delay(300);
  await ask(alice, 'hello', 'Hello alice');
  await ask(alice, '!woot', 'Indeed!');
  await ask(alice, '!help', /^Commands: .*!woot/);
});

it('says Wat to !constructor and the like: unknown commands, not Object methods', async () => {
  for (const name of ['constructor', 'tostring', 'hasownproperty', 'valueof']) {
    await ask(alice, `!${name}`, /^Wat\./);
    await ask(alice, `!help ${name}`, `No command !${name}. Say !help for the list.`);
  }
});

it('answers a command named constructor once a service registers it, and greets users named like Object methods', async () => {
  const odd: ZenService = await createService({ name: 'constructor', description: 'odd names', ...context() });
  running.push(odd);
  odd.command('constructor', (ctx) => ctx.reply(`built for ${ctx.sender}`), { help: 'builds' });
  odd.command('toString', (ctx) => ctx.reply('a string'));
  await odd.ready();
  await ask(alice, '!constructor', 'built for alice');
  await ask(alice, '!tostring', 'a string');
  await ask(alice, '!help constructor', '!constructor - builds (constructor)');

  const proto = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: '__proto__' });
  try {
    await proto.join('#test');
    await ask(proto, 'hello', 'Hello __proto__');
    await ask(proto, '!constructor', 'built for __proto__');
    proto.mark();
    await stack.probe.say('__proto__', 'a private word');
    await proto.waitFor(botSays('__proto__', 'a private word'));
  } finally {
    proto.destroy();
  }
});
