import { githubRepository, githubTargetsProblem, parseGithubTargets } from './githubTargets';

function rules(raw: string) {
  const parsed = parseGithubTargets(raw);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.rules;
}

describe('WEBHOOK_GITHUB_TARGETS', () => {
  const set = rules('#ci, octo-org/zenrelay=#zenrelay, octo-org/*=#octo, Other/Repo=alice');

  it.each([
    ['octo-org/zenrelay', ['#zenrelay'], true],
    ['octo-org/zenrelay', ['#ZenRelay', '#ci', '#octo'], true],
    ['OCTO-ORG/other', ['#octo'], true],
    ['octo-org/other', ['#zenrelay'], false],
    ['other/repo', ['alice'], true],
    ['someone/else', ['#ci'], true],
    ['someone/else', ['#octo'], false],
    [undefined, ['#ci'], true],
    [undefined, ['#zenrelay'], false],
  ])('%s → %j allowed: %s', (repo, targets, ok) => {
    const problem = githubTargetsProblem(set, repo, targets);
    expect(problem === undefined).toBe(ok);
    if (!ok) expect(problem).toMatch(/WEBHOOK_GITHUB_TARGETS does not let/);
  });

  it('an empty setting allows no target', () => {
    expect(githubTargetsProblem(rules(''), 'octo-org/zenrelay', ['#ci'])).toMatch(/may post to no target/);
  });

  it.each(['#a b', 'octo org/x=#ci', 'a/b/c=#ci', '=#ci'])('rejects the rule %j with a reason', (raw) => {
    const parsed = parseGithubTargets(raw);
    expect(parsed.ok).toBe(false);
  });

  it('a glob character other than * is literal', () => {
    expect(githubTargetsProblem(rules('octo.org/x=#a'), 'octoXorg/x', ['#a'])).toBeDefined();
  });
});

describe('githubRepository', () => {
  it.each([
    ['{"repository":{"full_name":"octo-org/zenrelay"}}', 'octo-org/zenrelay'],
    ['{"repository":{"name":"x"}}', undefined],
    ['{"repository":"x"}', undefined],
    ['{"__proto__":{"full_name":"evil/x"}}', undefined],
    ['not json', undefined],
    ['[]', undefined],
  ])('%s → %s', (body, repo) => {
    expect(githubRepository(Buffer.from(body))).toBe(repo);
  });
});
