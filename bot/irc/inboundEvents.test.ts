import { envelope, type InboundEvent } from '@zenrelay/protocol';
import { boundedText, ctcpPingReply, IN_TEXT_MAX_BYTES, invalidEventReason, TRUNCATED_MARKER } from './inboundEvents';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const event = (type: string, data: unknown) => envelope(type, data) as InboundEvent;

describe('invalidEventReason', () => {
  it('accepts complete events', () => {
    expect(invalidEventReason(event('join', { sender: 'alice', channel: '#c' }))).toBeUndefined();
    expect(invalidEventReason(event('topic', { sender: '', channel: '#c', topic: '' }))).toBeUndefined();
    expect(invalidEventReason(event('names', { channel: '#c', nicks: Object.fromEntries([['__proto__', '@'], ['constructor', '']]) }))).toBeUndefined();
  });

  it('refuses what malformed lines produce: join without channel, kick without kicked, nick without new', () => {
    expect(invalidEventReason(event('join', { sender: '' }))).toMatch(/sender is missing/);
    expect(invalidEventReason(event('join', { sender: 'alice', channel: '' }))).toMatch(/channel is missing/);
    expect(invalidEventReason(event('kick', { sender: 'op', channel: '#c', kicked: '', reason: '' }))).toMatch(/kicked is missing/);
    expect(invalidEventReason(event('nick', { old: 'alice', new: '' }))).toMatch(/new is missing/);
    expect(invalidEventReason(event('part', { sender: 'a', channel: '#c' }))).toMatch(/reason/);
  });
});

describe('boundedText', () => {
  it('leaves text up to the limit alone', () => {
    const text = 'é'.repeat(IN_TEXT_MAX_BYTES / 2);
    expect(boundedText(text)).toBe(text);
  });

  it('cuts longer text at a code point and marks it', () => {
    const out = boundedText('😀'.repeat(300_000));
    expect(bytes(out)).toBeLessThanOrEqual(IN_TEXT_MAX_BYTES);
    expect(out.endsWith(TRUNCATED_MARKER)).toBe(true);
    expect(out.slice(0, -TRUNCATED_MARKER.length)).toMatch(/^(😀)+$/u);
  });
});

describe('ctcpPingReply', () => {
  it('removes CR, LF, NUL and \\x01 from the echoed argument', () => {
    expect(ctcpPingReply('PING 1\rQUIT :injected\0\x01\n')).toBe('PING 1QUIT :injected');
  });

  it('bounds the echoed argument', () => {
    expect(bytes(ctcpPingReply(`PING ${'9'.repeat(10_023)}`))).toBe(400);
  });
});
