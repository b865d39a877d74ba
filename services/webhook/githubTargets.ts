import { targetProblem } from '@zenrelay/protocol';

/**
 * Where a GitHub-signed delivery may go. The signature proves that GitHub sent
 * the body, not that GitHub chose the path: anyone who captured one delivery
 * could post it again to `/notify/victim`. So signed deliveries only reach the
 * targets `WEBHOOK_GITHUB_TARGETS` allows for their repository.
 *
 * The setting is a comma-separated list of rules, each `<target>` (any
 * repository) or `<owner/repo glob>=<target>`, e.g.
 * `#ci,octo-org/zenrelay=#zenrelay,octo-org/*=#octo`. Globs take `*` (any run
 * of characters); repository names compare case-insensitively, as on GitHub.
 * Pure.
 */

export interface GithubTargetRule {
  /** Repository glob, or undefined for "any repository". */
  repo: RegExp | undefined;
  repoGlob: string;
  /** The target, lowercased for comparison. */
  target: string;
}

/** Parses the setting; returns the rules or a problem naming the bad rule. */
export function parseGithubTargets(raw: string): { ok: true; rules: GithubTargetRule[] } | { ok: false; problem: string } {
  const rules: GithubTargetRule[] = [];
  for (const entry of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = entry.lastIndexOf('=');
    const repoGlob = eq < 0 ? '*' : entry.slice(0, eq).trim();
    const target = eq < 0 ? entry : entry.slice(eq + 1).trim();
    const problem = targetProblem(target);
    if (problem) return { ok: false, problem: `rule ${JSON.stringify(entry)}: ${problem}` };
    if (!/^[A-Za-z0-9_.*-]+(\/[A-Za-z0-9_.*-]+)?$/.test(repoGlob)) {
      return { ok: false, problem: `rule ${JSON.stringify(entry)}: ${JSON.stringify(repoGlob)} is not an owner/repo glob (e.g. octo-org/zenrelay or octo-org/*)` };
    }
    rules.push({ repo: repoGlob === '*' ? undefined : globToRegExp(repoGlob), repoGlob, target: target.toLowerCase() });
  }
  return { ok: true, rules };
}

/** Undefined when every target is allowed for `repo` (the delivery's `repository.full_name`), else why not. */
export function githubTargetsProblem(rules: readonly GithubTargetRule[], repo: string | undefined, targets: readonly string[]): string | undefined {
  const allowed = rules.filter((r) => r.repo === undefined || (repo !== undefined && r.repo.test(repo)));
  const refused = targets.filter((t) => !allowed.some((r) => r.target === t.toLowerCase()));
  if (refused.length === 0) return undefined;
  const from = repo === undefined ? 'a delivery without repository.full_name' : `repository ${repo}`;
  const may = allowed.length === 0 ? 'no target' : allowed.map((r) => r.target).join(', ');
  return `WEBHOOK_GITHUB_TARGETS does not let ${from} post to ${refused.join(', ')} (it may post to ${may})`;
}

/** The `repository.full_name` of a GitHub delivery's JSON body, if any. */
export function githubRepository(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, 'repository')) return undefined;
    const repository = (parsed as { repository: unknown }).repository;
    if (typeof repository !== 'object' || repository === null || !Object.hasOwn(repository, 'full_name')) return undefined;
    const name = (repository as { full_name: unknown }).full_name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

function globToRegExp(glob: string): RegExp {
  const source = glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 'i');
}
