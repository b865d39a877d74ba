import { DEFAULT_WAIT_SECONDS, noticeRequest, planNotify } from './notifyPlan';

const plan = (targets: string, words: string[], options = {}) => {
  const result = planNotify(targets, words, options);
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
};
const problem = (targets: string, words: string[], options = {}) => {
  const result = planNotify(targets, words, options);
  return result.ok ? 'ok' : result.reason;
};

describe('planNotify', () => {
  it('joins the words into the message and splits the targets', () => {
    expect(plan('#ops,alice', ['deploy', 'v1.4', 'done'])).toEqual({
      to: ['#ops', 'alice'],
      type: 'privmsg',
      message: 'deploy v1.4 done',
      id: undefined,
      waitSeconds: undefined,
      printId: false,
      verbose: false,
    });
  });

  it('reads the message from stdin for a lone -', () => {
    expect(plan('#ops', ['-']).message).toBeUndefined();
    expect(plan('#ops', ['-', 'x']).message).toBe('- x');
  });

  it('knows --action, --notice, --wait with and without seconds, --id', () => {
    expect(plan('#a', ['x'], { action: true }).type).toBe('privmsg_action');
    expect(plan('#a', ['x'], { notice: true }).type).toBe('notice');
    expect(plan('#a', ['x'], { wait: true }).waitSeconds).toBe(DEFAULT_WAIT_SECONDS);
    expect(plan('#a', ['x'], { wait: '2.5' }).waitSeconds).toBe(2.5);
    expect(noticeRequest(plan('#a', ['x'], { id: 'job-7' }), 'text')).toEqual({ to: ['#a'], message: 'text', type: 'privmsg', id: 'job-7' });
  });

  it.each([
    ['a bad target', 'no such', ['x'], {}, /neither a channel/],
    ['no target', ',', ['x'], {}, /no target given/],
    ['no message', '#a', [], {}, /no message given/],
    ['both --action and --notice', '#a', ['x'], { action: true, notice: true }, /cannot go together/],
    ['--wait swallowing the target', '#a', ['x'], { wait: '#ops' }, /--wait takes a number of seconds.*--wait=60/],
    ['--wait 0', '#a', ['x'], { wait: '0' }, /--wait takes a number/],
    ['a bad id', '#a', ['x'], { id: 'a b' }, /may only contain/],
  ])('refuses %s', (_name, targets, words, options, reason) => {
    expect(problem(targets, words, options)).toMatch(reason);
  });
});
