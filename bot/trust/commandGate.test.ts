import { parseAdmins } from './admins';
import { AccountCache, type KnownAccount } from './accountCache';
import { CommandGate, type CommandGateOptions, type CommandSender } from './commandGate';
import { CommandLimiter } from './commandLimiter';

function rules(raw: string) {
  const parsed = parseAdmins(raw);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.rules;
}

const alice: CommandSender = { nick: 'alice', ident: '~a', host: 'home.example.net', channel: '#c', account: undefined, botTag: false };

function gate(overrides: Partial<CommandGateOptions> = {}) {
  const lookups: string[] = [];
  const warned: string[] = [];
  const options: CommandGateOptions = {
    admins: rules('account:alice, *!~ops@ops.example.org'),
    limiter: undefined,
    accounts: new AccountCache({ ttlMs: 60_000 }),
    accountTag: () => false,
    lookup: async (nick): Promise<KnownAccount | undefined> => {
      lookups.push(nick);
      return nick === 'alice' ? { account: 'alice' } : { account: undefined };
    },
    lookupTimeoutMs: 100,
    answerBots: false,
    slowDown: (nick) => warned.push(nick),
    ...overrides,
  };
  return { gate: new CommandGate(options), lookups, warned, options };
}

describe('CommandGate', () => {
  it('decides at once (no promise) unless it must ask the server for an account', async () => {
    const tagged = gate({ accountTag: () => true });
    expect(tagged.gate.decide({ ...alice, account: 'alice' })).toEqual({ publish: true, admin: true, account: 'alice' });
    const noAccounts = gate({ admins: rules('*!~ops@ops.example.org') });
    expect(noAccounts.gate.decide(alice)).toEqual({ publish: true, admin: false, account: undefined });
    const limited = gate({ admins: rules('*!~ops@ops.example.org'), limiter: new CommandLimiter({ sender: { burst: 1, ratePerSecond: 0.001 }, channel: { burst: 100, ratePerSecond: 1 }, warnEveryMs: 60_000 }) });
    expect(limited.gate.decide(alice)).toMatchObject({ publish: true });
    expect(limited.gate.decide(alice)).toEqual({ publish: false, why: 'rate_limited' });
    const lookingUp = gate();
    const first = lookingUp.gate.decide(alice);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ publish: true, admin: true, account: 'alice' });
    expect(lookingUp.gate.decide(alice)).toEqual({ publish: true, admin: true, account: 'alice' }); // cached now
    expect(lookingUp.lookups).toEqual(['alice']);
  });

  it('with account-tag negotiated, believes the tag and never asks the server', async () => {
    const g = gate({ accountTag: () => true });
    expect(await g.gate.decide({ ...alice, account: 'alice' })).toEqual({ publish: true, admin: true, account: 'alice' });
    expect(await g.gate.decide({ ...alice, nick: 'mallory', account: undefined })).toEqual({ publish: true, admin: false, account: undefined });
    expect(g.lookups).toEqual([]);
  });

  it('without account-tag, ignores any account it was handed and asks the server (once, then the cache)', async () => {
    const g = gate();
    expect(await g.gate.decide({ ...alice, nick: 'mallory', account: 'alice' })).toEqual({ publish: true, admin: false, account: undefined });
    expect(await g.gate.decide(alice)).toEqual({ publish: true, admin: true, account: 'alice' });
    expect(await g.gate.decide(alice)).toEqual({ publish: true, admin: true, account: 'alice' });
    expect(g.lookups).toEqual(['mallory', 'alice']);
  });

  it('a hostmask admin needs no lookup; no account rules, no lookups', async () => {
    const g = gate();
    expect(await g.gate.decide({ ...alice, nick: 'carol', ident: '~ops', host: 'ops.example.org' })).toMatchObject({ admin: true });
    const h = gate({ admins: rules('*!~ops@ops.example.org') });
    expect(await h.gate.decide(alice)).toMatchObject({ publish: true, admin: false });
    expect([...g.lookups, ...h.lookups]).toEqual([]);
  });

  it('a lookup that gets no answer makes nobody an admin by account', async () => {
    const g = gate({ lookup: async () => undefined });
    expect(await g.gate.decide(alice)).toEqual({ publish: true, admin: false, account: undefined });
  });

  it('holds back bots (tag, or B flag from the server) unless ZEN_ANSWER_BOTS', async () => {
    const g = gate({ lookup: async () => ({ account: undefined, bot: true }) });
    expect(await g.gate.decide({ ...alice, botTag: true })).toEqual({ publish: false, why: 'bot' });
    expect(await g.gate.decide(alice)).toEqual({ publish: false, why: 'bot' });
    const h = gate({ answerBots: true });
    expect(await h.gate.decide({ ...alice, botTag: true })).toMatchObject({ publish: true });
  });

  it('rate-limits before asking the server, and says slow down once', async () => {
    const limiter = new CommandLimiter({ sender: { burst: 2, ratePerSecond: 0.001 }, channel: { burst: 100, ratePerSecond: 1 }, warnEveryMs: 60_000 });
    const g = gate({ limiter, now: () => 0, admins: rules('account:zed') });
    const decisions = [];
    for (let i = 0; i < 10; i++) decisions.push(await g.gate.decide(alice));
    expect(decisions.filter((d) => d.publish)).toHaveLength(2);
    expect(g.warned).toEqual(['alice']);
    expect(g.lookups).toEqual(['alice']);
  });
});
