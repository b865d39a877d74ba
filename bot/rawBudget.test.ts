import { commandLines } from './commandLines';

/** A raw line that a server relays with the bot's prefix must fit in 512 bytes with that prefix. */
const identity = { nick: 'zen', user: '~zen', host: 'localhost' };
const prefix = ':zen!~zen@localhost '.length;
const raw = (line: string) => commandLines({ kind: 'raw', line }, { identity, rawAllow: ['TOPIC', 'JOIN', 'NAMES'] });

describe('raw lines and the relay prefix', () => {
  it('rejects a raw TOPIC of 502 bytes that would be 527 bytes as relayed, saying by how much to shorten it', () => {
    const line = `TOPIC #c :${'t'.repeat(502 - 'TOPIC #c :'.length)}`;
    const result = raw(line);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection.code).toBe('bad_raw');
      expect(result.rejection.reason).toContain(`${prefix + 502 + 2} bytes as the server relays it`);
      expect(result.rejection.reason).toContain(`shorten it by ${prefix + 502 + 2 - 512}`);
    }
  });

  it('accepts the longest TOPIC that fits as relayed', () => {
    const line = `TOPIC #c :${'t'.repeat(510 - prefix - 'TOPIC #c :'.length)}`;
    expect(raw(line)).toEqual({ ok: true, lines: [{ key: expect.any(String), line }] });
  });

  it('does not count the prefix for a command the server does not relay', () => {
    const line = `NAMES ${'#c,'.repeat(162)}#c`;
    expect(Buffer.byteLength(line) + prefix + 2).toBeGreaterThan(512);
    expect(raw(line).ok).toBe(true);
  });

  it('assumes the longest user and host while they are unknown', () => {
    const line = `TOPIC #c :${'t'.repeat(450)}`;
    expect(commandLines({ kind: 'raw', line }, { identity: { nick: 'zen' }, rawAllow: ['TOPIC'] }).ok).toBe(false);
  });
});
