import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatAlertmanager, isAlertmanagerPayload } from './alertmanager';
import { formatGithubPush } from './github';
import { capLines, formatBody, isJsonContentType } from './index';
import { cleanText, firstLine, oneLine } from './text';
import { INHERITED_NAMES } from '@zenrelay/protocol';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8'));
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('GitHub push', () => {
  const push = fixture('github-push.json') as Record<string, unknown>;

  it('sums up a push with the head commit, lists commits and the compare link', () => {
    const result = formatGithubPush(push, 10);
    expect(result).toEqual({
      ok: true,
      message: [
        '[octo-org/zenrelay] alice pushed 3 commits to main: Release 1.4.0',
        '  a3f1b2c Split long lines at word boundaries (alice)',
        "  b4c2d3e Count the bot's own prefix in the line budget (bob)",
        '  0d1a26e Release 1.4.0 (alice)',
        '  https://github.com/octo-org/zenrelay/compare/6113728f27ae...0d1a26e67d8f',
      ].join('\n'),
    });
  });

  it('keeps to the line limit', () => {
    const result = formatGithubPush(push, 3);
    expect(result.ok && result.message.split('\n')).toEqual([
      '[octo-org/zenrelay] alice pushed 3 commits to main: Release 1.4.0',
      '  a3f1b2c Split long lines at word boundaries (alice)',
      '  … and 2 more commits',
    ]);
  });

  it('says "1 commit" and lists nothing more for a single commit', () => {
    const one = { ...push, commits: [(push.commits as unknown[])[2]] };
    const result = formatGithubPush(one, 10);
    expect(result.ok && result.message.split('\n')[0]).toBe('[octo-org/zenrelay] alice pushed 1 commit to main: Release 1.4.0');
  });

  it('words tags, new, deleted and force-pushed branches', () => {
    expect(formatGithubPush({ ...push, ref: 'refs/tags/v1.4.0', commits: [] }, 10)).toMatchObject({ message: expect.stringMatching(/^\[octo-org\/zenrelay\] alice pushed tag v1\.4\.0/) });
    expect(formatGithubPush({ ...push, ref: 'refs/heads/feature', created: true, commits: [], head_commit: null }, 10)).toEqual({ ok: true, message: '[octo-org/zenrelay] alice created branch feature' });
    expect(formatGithubPush({ ...push, ref: 'refs/heads/old', deleted: true, commits: [] }, 10)).toEqual({ ok: true, message: '[octo-org/zenrelay] alice deleted branch old' });
    expect(formatGithubPush({ ...push, forced: true }, 10)).toMatchObject({ message: expect.stringContaining('alice force-pushed 3 commits to main') });
  });

  it('refuses a payload without repository or ref', () => {
    expect(formatGithubPush({ zen: 'Keep it logically awesome.' }, 10)).toEqual({ ok: false, reason: expect.stringMatching(/repository\.full_name or ref/) });
    expect(formatGithubPush([1], 10).ok).toBe(false);
  });
});

describe('Alertmanager', () => {
  const alerts = fixture('alertmanager.json') as Record<string, unknown>;

  it('is recognised by its shape', () => {
    expect(isAlertmanagerPayload(alerts)).toBe(true);
    expect(isAlertmanagerPayload({ message: 'x' })).toBe(false);
    expect(isAlertmanagerPayload({ alerts: 'no', receiver: 'x' })).toBe(false);
  });

  it('gives one line per alert, firing and resolved, with summary and description', () => {
    expect(formatAlertmanager(alerts, 10)).toEqual({
      ok: true,
      message: [
        '[FIRING] HighErrorRate (severity=critical, instance=web-1:9100, job=api): Error rate above 5% on web-1 — 7.2% of requests to /api failed over the last 10 minutes.',
        '[RESOLVED] DiskAlmostFull (severity=warning, instance=db-2:9100, job=node): Disk /var/lib/postgresql on db-2 is 91% full',
      ].join('\n'),
    });
  });

  it('sums up alerts beyond the line limit', () => {
    const many = { ...alerts, alerts: Array.from({ length: 25 }, (_, i) => ({ status: 'firing', labels: { alertname: `A${i}` }, annotations: {} })) };
    const result = formatAlertmanager(many, 5);
    const lines = result.ok ? result.message.split('\n') : [];
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('[FIRING] A0');
    expect(lines[4]).toBe('… and 21 more alerts (http://alertmanager.example:9093)');
  });

  it('uses the group status when an alert has none, and refuses an empty list', () => {
    const result = formatAlertmanager({ receiver: 'r', status: 'resolved', alerts: [{ labels: { alertname: 'X' } }] }, 10);
    expect(result).toEqual({ ok: true, message: '[RESOLVED] X' });
    expect(formatAlertmanager({ receiver: 'r', alerts: [] }, 10)).toEqual({ ok: false, reason: expect.stringMatching(/no alerts/) });
  });
});

describe('formatBody', () => {
  const base = { contentType: undefined, githubEvent: undefined, maxLines: 10 };

  it('takes a plain-text body as the message, multi-line kept, trailing newlines dropped', () => {
    expect(formatBody({ ...base, contentType: 'text/plain', body: Buffer.from('deploy done\nv1.4\n\n') })).toEqual({ kind: 'message', format: 'text', message: 'deploy done\nv1.4' });
    expect(formatBody({ ...base, contentType: 'application/x-www-form-urlencoded', body: Buffer.from('curl -d text') })).toMatchObject({ message: 'curl -d text' });
  });

  it('takes generic JSON with message or text', () => {
    expect(formatBody({ ...base, contentType: 'application/json', body: json({ message: 'hi', other: 1 }) })).toEqual({ kind: 'message', format: 'json', message: 'hi' });
    expect(formatBody({ ...base, contentType: 'application/json; charset=utf-8', body: json({ text: 'from slack-style' }) })).toMatchObject({ message: 'from slack-style' });
  });

  it('routes GitHub and Alertmanager payloads to their formatters', () => {
    const push = formatBody({ ...base, contentType: 'application/json', githubEvent: 'push', body: json(fixture('github-push.json')) });
    expect(push).toMatchObject({ kind: 'message', format: 'github' });
    const alerts = formatBody({ ...base, contentType: 'application/json', body: json(fixture('alertmanager.json')) });
    expect(alerts).toMatchObject({ kind: 'message', format: 'alertmanager' });
  });

  it('ignores GitHub ping and other events, without queueing anything', () => {
    expect(formatBody({ ...base, contentType: 'application/json', githubEvent: 'ping', body: json({ zen: 'x' }) })).toMatchObject({ kind: 'ignored' });
    expect(formatBody({ ...base, contentType: 'application/json', githubEvent: 'issues', body: json({}) })).toEqual({ kind: 'ignored', reason: expect.stringMatching(/"issues" is not relayed/) });
  });

  it.each([
    ['malformed JSON', 'application/json', Buffer.from('{"message": '), /^malformed JSON: /],
    ['JSON without a message', 'application/json', json({ msg: 'x' }), /needs a "message" \(or "text"\) string field/],
    ['a non-string message', 'application/json', json({ message: 42 }), /"message" must be a string/],
    ['an empty message', 'application/json', json({ message: ' \n' }), /"message" is empty/],
    ['a JSON array', 'application/json', json(['x']), /must be an object/],
    ['an empty text body', 'text/plain', Buffer.from('\n\n'), /body is empty/],
    ['invalid UTF-8', 'text/plain', Buffer.from([0xff, 0xfe, 0x41]), /not valid UTF-8/],
  ])('explains %s', (_name, contentType, body, reason) => {
    const result = formatBody({ ...base, contentType, body });
    expect(result.kind).toBe('invalid');
    if (result.kind === 'invalid') expect(result.reason).toMatch(reason);
  });

  it('strips CTCP and other control characters but keeps IRC formatting', () => {
    const result = formatBody({ ...base, contentType: 'text/plain', body: Buffer.from('\x01ACTION pwns\x01 \x02bold\x02\r\nnext') });
    expect(result).toMatchObject({ message: 'ACTION pwns \x02bold\x02\nnext' });
  });

  it('caps a long text at the line limit', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const result = formatBody({ ...base, contentType: 'text/plain', body: Buffer.from(text) });
    const lines = result.kind === 'message' ? result.message.split('\n') : [];
    expect(lines).toHaveLength(10);
    expect(lines[9]).toBe('… and 21 more lines');
  });
});

describe('text helpers', () => {
  it('cut, flatten and clean', () => {
    expect(firstLine('\n  first \nsecond')).toBe('first');
    expect(firstLine('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(oneLine('a\n b\r\nc')).toBe('a b c');
    expect(cleanText('a\x00b\x07c\x03d')).toBe('abc\x03d');
    expect(capLines('a\nb', 2)).toBe('a\nb');
    expect(isJsonContentType('application/vnd.github+json')).toBe(true);
    expect(isJsonContentType('text/plain')).toBe(false);
  });
});

describe('formatBody and names inherited from Object', () => {
  const json = (body: string) => formatBody({ contentType: 'application/json', githubEvent: undefined, body: Buffer.from(body), maxLines: 5 });

  it.each(INHERITED_NAMES)('finds no message field in a body whose only key is %s', (name) => {
    expect(json(JSON.stringify({ [name]: 'x' }))).toEqual({ kind: 'invalid', reason: expect.stringMatching(/needs a "message"/) });
  });

  it('does not take a message from a __proto__ key', () => {
    expect(json('{"__proto__":{"message":"smuggled"}}')).toEqual({ kind: 'invalid', reason: expect.stringMatching(/needs a "message"/) });
    expect(json('{"__proto__":{"text":"x"},"message":"real"}')).toEqual({ kind: 'message', format: 'json', message: 'real' });
  });
});
