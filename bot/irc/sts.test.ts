import fc from 'fast-check';
import { parseStoredPolicy, parseStsValue, policyApplies, stsAction } from './sts';

const plain = { host: 'irc.example.org', port: 6667, secure: false };
const secure = { host: 'Irc.Example.org', port: 6697, secure: true };

describe('parseStsValue', () => {
  it('reads port and duration, skipping unknown keys', () => {
    expect(parseStsValue('port=6697,duration=300')).toEqual({ port: 6697, duration: 300 });
    expect(parseStsValue('duration=2592000,preload')).toEqual({ duration: 2592000 });
    expect(parseStsValue('port=6697,future=x')).toEqual({ port: 6697 });
  });

  it('refuses malformed values', () => {
    for (const bad of ['port=', 'port=0', 'port=70000', 'port=abc', 'duration=-1', 'duration=1e3', 'duration']) expect(parseStsValue(bad)).toBeUndefined();
    expect(parseStsValue(undefined)).toBeUndefined();
    expect(parseStsValue(true)).toBeUndefined();
    expect(parseStsValue('')).toBeUndefined();
  });

  it('never throws on any input', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseStsValue(s)));
  });
});

describe('stsAction', () => {
  it('upgrades a plain-text connection to the advertised port, ignoring any duration there', () => {
    expect(stsAction('port=6697,duration=300', plain, 0)).toEqual({ kind: 'upgrade', port: 6697 });
    expect(stsAction('duration=300', plain, 0)).toMatchObject({ kind: 'ignore' });
  });

  it('remembers a policy seen on TLS for its duration, for the lowercased host and this connection’s port', () => {
    expect(stsAction('duration=300,port=1234', secure, 1000)).toEqual({ kind: 'remember', policy: { host: 'irc.example.org', port: 6697, expiresAt: 301_000 } });
  });

  it('clears the policy with duration=0', () => {
    expect(stsAction('duration=0', secure, 0)).toEqual({ kind: 'clear' });
  });

  it('ignores a TLS advertisement without a duration and anything malformed', () => {
    expect(stsAction('port=6697', secure, 0)).toMatchObject({ kind: 'ignore' });
    expect(stsAction('port=x', plain, 0)).toMatchObject({ kind: 'ignore' });
  });
});

describe('policyApplies', () => {
  const policy = { host: 'irc.example.org', port: 6697, expiresAt: 5000 };
  it('holds for its host until it expires', () => {
    expect(policyApplies(policy, 'IRC.example.org', 4999)).toBe(true);
    expect(policyApplies(policy, 'irc.example.org', 5000)).toBe(false);
    expect(policyApplies(policy, 'other.example.org', 0)).toBe(false);
    expect(policyApplies(undefined, 'irc.example.org', 0)).toBe(false);
  });
});

describe('parseStoredPolicy', () => {
  it('reads back what was stored, and nothing else', () => {
    const policy = { host: 'irc.example.org', port: 6697, expiresAt: 5000 };
    expect(parseStoredPolicy(JSON.stringify(policy))).toEqual(policy);
    for (const bad of [null, '', 'not json', '[]', '{"host":"h","port":0,"expiresAt":1}', '{"host":"","port":1,"expiresAt":1}', '{"host":"h","port":1}']) {
      expect(parseStoredPolicy(bad)).toBeUndefined();
    }
  });
});
