import { firstLine, isRecord, plural, str } from './text';

/**
 * GitHub `push` webhook events as IRC lines:
 *
 *     [octo/app] alice pushed 3 commits to main: Fix the splitter
 *       a1b2c3d Fix the splitter (alice)
 *       …
 *       https://github.com/octo/app/compare/0123abc...a1b2c3d
 *
 * Tags, new and deleted branches and force pushes get their own wording.
 */

export const GITHUB_COMMITS_SHOWN = 3;

export type GithubResult = { ok: true; message: string } | { ok: false; reason: string };

export function formatGithubPush(payload: unknown, maxLines: number): GithubResult {
  if (!isRecord(payload)) return { ok: false, reason: 'a GitHub push payload must be a JSON object' };
  const repo = str(payload, 'repository', 'full_name') ?? str(payload, 'repository', 'name');
  const ref = str(payload, 'ref');
  if (repo === undefined || ref === undefined) {
    return { ok: false, reason: 'GitHub push payload lacks repository.full_name or ref' };
  }
  const who = str(payload, 'pusher', 'name') ?? str(payload, 'sender', 'login') ?? 'someone';
  const isTag = ref.startsWith('refs/tags/');
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  const kind = isTag ? 'tag' : 'branch';
  const commits = Array.isArray(payload.commits) ? payload.commits.filter(isRecord) : [];
  const prefix = `[${repo}] ${who}`;
  const compare = str(payload, 'compare');

  if (payload.deleted === true) return { ok: true, message: `${prefix} deleted ${kind} ${name}` };
  if (isTag) return { ok: true, message: `${prefix} pushed tag ${name}${compare ? `\n  ${compare}` : ''}` };
  if (commits.length === 0) {
    const verb = payload.created === true ? 'created branch' : payload.forced === true ? 'force-pushed (no new commits) to' : 'pushed no new commits to';
    return { ok: true, message: `${prefix} ${verb} ${name}` };
  }
  const head = isRecord(payload.head_commit) ? payload.head_commit : commits[commits.length - 1];
  const verb = payload.forced === true ? 'force-pushed' : 'pushed';
  const lines = [`${prefix} ${verb} ${plural(commits.length, 'commit')} to ${name}: ${firstLine(str(head, 'message') ?? '')}`];
  if (commits.length > 1) {
    const room = Math.max(0, Math.min(GITHUB_COMMITS_SHOWN, maxLines - 2));
    for (const commit of commits.slice(0, room)) {
      const id = (str(commit, 'id') ?? '').slice(0, 7);
      const author = str(commit, 'author', 'username') ?? str(commit, 'author', 'name');
      lines.push(`  ${id} ${firstLine(str(commit, 'message') ?? '', 120)}${author ? ` (${author})` : ''}`);
    }
    if (commits.length > room) lines.push(`  … and ${plural(commits.length - room, 'more commit')}`);
  }
  if (compare && lines.length < maxLines) lines.push(`  ${compare}`);
  return { ok: true, message: lines.slice(0, Math.max(1, maxLines)).join('\n') };
}
