import { newNoticeId, noticeIdProblem, prepareNotice, splitTargets } from './noticeRequest';

describe('prepareNotice', () => {
  it('builds the envelope the bot takes, with the id in data', () => {
    const result = prepareNotice({ to: ['#ops'], message: 'deploy done\n', id: 'deploy-42' });
    expect(result).toEqual({
      ok: true,
      id: 'deploy-42',
      envelope: { version: 1, type: 'privmsg', data: { to: '#ops', message: 'deploy done', id: 'deploy-42' } },
      json: '{"version":1,"type":"privmsg","data":{"to":"#ops","message":"deploy done","id":"deploy-42"}}',
    });
  });

  it('keeps several targets as an array, the type, and CRLF as newlines', () => {
    const result = prepareNotice({ to: ['#a', 'bob'], message: 'a\r\nb', type: 'notice' });
    expect(result.ok && result.envelope).toMatchObject({ type: 'notice', data: { to: ['#a', 'bob'], message: 'a\nb' } });
  });

  it('gives every notice a fresh id', () => {
    const a = prepareNotice({ to: ['#a'], message: 'x' });
    const b = prepareNotice({ to: ['#a'], message: 'x' });
    expect(a.ok && b.ok && a.id !== b.id).toBe(true);
    expect(noticeIdProblem(newNoticeId())).toBeUndefined();
  });

  it.each([
    ['a bad target', { to: ['a b'], message: 'x' }, 'bad_target'],
    ['no target', { to: [], message: 'x' }, 'bad_target'],
    ['an empty message', { to: ['#a'], message: '\n\n' }, 'empty_message'],
    ['a bad id', { to: ['#a'], message: 'x', id: 'has space' }, 'invalid_field'],
  ])('refuses %s, as the bot would', (_name, request, code) => {
    expect(prepareNotice(request)).toMatchObject({ ok: false, code });
  });

  it('applies the bot payload limit', () => {
    expect(prepareNotice({ to: ['#a'], message: 'x'.repeat(2000) }, 1024)).toMatchObject({ ok: false, code: 'too_large' });
  });
});

describe('notice helpers', () => {
  it('split targets and check ids', () => {
    expect(splitTargets('#a, bob,,#c ')).toEqual(['#a', 'bob', '#c']);
    expect(noticeIdProblem('deploy:2024-05-14.1_a')).toBeUndefined();
    expect(noticeIdProblem('x'.repeat(129))).toMatch(/1-128/);
    expect(noticeIdProblem('a/b')).toMatch(/may only contain/);
  });
});
