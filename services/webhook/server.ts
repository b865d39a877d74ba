import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@zenrelay/runtime';
import { NoticeClient, prepareNotice, splitTargets } from '../../clients/notices';
import { NOTICE_ID_MAX, ownEntry, targetProblem, type SayType } from '@zenrelay/protocol';
import { bearerToken, githubSignatureMatches, tokenMatches } from './auth';
import { readBody } from './body';
import type { WebhookConfig } from './config';
import { formatBody } from './formatters';
import { githubRepository, githubTargetsProblem } from './githubTargets';
import type { ClientRateLimiter } from './rateLimiter';

/**
 * The webhook's HTTP routes:
 *
 * - `POST /notify/<target>[,<target>…][?type=notice|action]` — body: plain
 *   text, or JSON (GitHub push, Alertmanager, or `{"message": …}`) → 202
 *   `{"id": …}` once the notice is stored in Redis.
 * - `GET /notices/<id>` → the notice's fate.
 * - `GET /healthz` → 200 while Redis is reachable (no token needed).
 *
 * Every other request needs `Authorization: Bearer <WEBHOOK_TOKEN>` (or, for
 * POST /notify, a GitHub signature made with WEBHOOK_GITHUB_SECRET) and is
 * rate limited per client address. Errors are JSON `{"error": …}`.
 */

export interface WebhookDeps {
  config: WebhookConfig;
  notices: NoticeClient;
  limiter: ClientRateLimiter;
  log: Logger;
  /** Clock for the rate limiter, ms. */
  now?: () => number;
}

const TYPES: Record<string, SayType> = { privmsg: 'privmsg', notice: 'notice', action: 'privmsg_action', privmsg_action: 'privmsg_action' };

export function webhookHandler(deps: WebhookDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res, deps).catch((err: Error) => {
      deps.log.error({ err: err.message }, 'webhook request failed');
      if (!res.headersSent) reply(req, res, 500, { error: 'internal error; see the webhook log' });
      else res.destroy();
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: WebhookDeps): Promise<void> {
  const { config, log } = deps;
  const url = new URL(req.url ?? '/', 'http://webhook.invalid');
  const path = url.pathname;
  const method = req.method ?? 'GET';

  if (path === '/healthz') {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, 'GET');
    const status = deps.notices.redis.status;
    return reply(req, res, status === 'ready' ? 200 : 503, { ok: status === 'ready', redis: status });
  }
  const route = path.startsWith('/notify/') ? 'notify' : path.startsWith('/notices/') ? 'notices' : undefined;
  if (route === undefined) return reply(req, res, 404, { error: 'no such route; use POST /notify/<target>, GET /notices/<id> or GET /healthz' });
  if (route === 'notify' && method !== 'POST') return methodNotAllowed(req, res, 'POST');
  if (route === 'notices' && method !== 'GET' && method !== 'HEAD') return methodNotAllowed(req, res, 'GET');

  const client = req.socket.remoteAddress ?? 'unknown';
  const rate = deps.limiter.take(client, (deps.now ?? Date.now)());
  if (!rate.ok) {
    res.setHeader('Retry-After', String(rate.retryAfterSeconds));
    return reply(req, res, 429, { error: `too many requests from ${client}; retry after ${rate.retryAfterSeconds} s` });
  }
  const given = bearerToken(req.headers.authorization);
  // A GitHub delivery signed with WEBHOOK_GITHUB_SECRET carries no token; its signature is checked once the body is read.
  const signed = route === 'notify' && given === undefined && config.githubSecret !== undefined && header(req, 'x-hub-signature-256') !== undefined;
  if (config.token !== undefined && !signed) {
    if (given === undefined || !tokenMatches(given, config.token)) {
      log.warn({ client, path, reason: given === undefined ? 'no bearer token' : 'wrong token' }, 'webhook request refused');
      res.setHeader('WWW-Authenticate', 'Bearer realm="zenrelay"');
      // A GitHub-signed delivery while WEBHOOK_GITHUB_SECRET is unset: the likely fix is the secret, not a token.
      const githubHint =
        given === undefined && config.githubSecret === undefined && header(req, 'x-hub-signature-256') !== undefined
          ? '; this request is signed (X-Hub-Signature-256): set WEBHOOK_GITHUB_SECRET to the secret of the GitHub webhook to accept signed requests without a token'
          : '';
      const error = given === undefined ? `missing bearer token: send Authorization: Bearer <WEBHOOK_TOKEN>${githubHint}` : 'wrong token';
      return reply(req, res, 401, { error });
    }
  }
  const rest = decodeSegment(path.slice(route === 'notify' ? '/notify/'.length : '/notices/'.length));
  if (rest === undefined) return reply(req, res, 400, { error: 'malformed percent-encoding in the path' });
  if (route === 'notices') return getFate(req, res, deps, rest);
  return notify(req, res, deps, rest, url.searchParams.get('type'), signed);
}

async function notify(
  req: IncomingMessage,
  res: ServerResponse,
  deps: WebhookDeps,
  targetList: string,
  typeParam: string | null,
  signed: boolean,
): Promise<void> {
  const { config, log } = deps;
  const to = splitTargets(targetList);
  if (to.length === 0) return reply(req, res, 400, { error: 'no target in the path; POST /notify/%23channel or /notify/nick', code: 'bad_target' });
  for (const target of to) {
    const problem = targetProblem(target);
    if (problem) return reply(req, res, 400, { error: `${problem} (write # as %23 in the URL)`, code: 'bad_target' });
  }
  const type = typeParam === null ? 'privmsg' : ownEntry(TYPES, typeParam);
  if (type === undefined) return reply(req, res, 400, { error: `type must be privmsg, notice or action, got ${JSON.stringify(typeParam)}` });

  const body = await readBody(req, config.maxBodyBytes);
  if (!body.ok) {
    if (body.tooLarge) return reply(req, res, 413, { error: `body is ${body.size} bytes or more; the limit is ${config.maxBodyBytes} (WEBHOOK_MAX_BODY_BYTES)` });
    return reply(req, res, 400, { error: `could not read the body: ${body.reason}` });
  }
  if (signed && !githubSignatureMatches(body.body, header(req, 'x-hub-signature-256'), config.githubSecret ?? '')) {
    log.warn({ client: req.socket.remoteAddress, path: req.url }, 'webhook request refused: bad GitHub signature');
    return reply(req, res, 401, { error: 'X-Hub-Signature-256 does not match the body; check WEBHOOK_GITHUB_SECRET and the secret set in GitHub' });
  }
  let delivery: string | undefined;
  if (signed) {
    const refused = githubTargetsProblem(config.githubTargets, githubRepository(body.body), to);
    if (refused !== undefined) {
      log.warn({ client: req.socket.remoteAddress, to, reason: refused }, 'webhook request refused: GitHub delivery to a target not allowed for it');
      return reply(req, res, 403, { error: refused, code: 'target_not_allowed' });
    }
    delivery = header(req, 'x-github-delivery');
    if (delivery === undefined || !/^[A-Za-z0-9-]{1,100}$/.test(delivery)) {
      return reply(req, res, 400, { error: 'a signed GitHub delivery needs its X-GitHub-Delivery header (GitHub always sends one)' });
    }
  }
  const formatted = formatBody({
    contentType: req.headers['content-type'],
    githubEvent: header(req, 'x-github-event'),
    body: body.body,
    maxLines: config.maxLines,
  });
  if (formatted.kind === 'invalid') return reply(req, res, 400, { error: formatted.reason });
  if (formatted.kind === 'ignored') return reply(req, res, 200, { ignored: formatted.reason });

  const prepared = prepareNotice({ to, message: formatted.message, type }, config.maxEnvelopeBytes);
  if (!prepared.ok) {
    return reply(req, res, prepared.code === 'too_large' ? 413 : 400, { error: prepared.reason, code: prepared.code });
  }
  if (delivery !== undefined) {
    const first = await rememberDelivery(deps, delivery);
    if (first === 'unavailable') return reply(req, res, 503, { error: 'Redis is unavailable; the delivery was not queued, try again' });
    if (!first) {
      log.warn({ client: req.socket.remoteAddress, delivery }, 'webhook request refused: GitHub delivery replayed');
      return reply(req, res, 409, { error: `GitHub delivery ${delivery} was already accepted; a replayed delivery is not sent again`, code: 'replayed' });
    }
  }
  try {
    const queued = await deps.notices.send(prepared);
    log.info({ id: queued.id, to, format: formatted.format, replicas: queued.replicas }, 'notice queued');
    const replicas = queued.replicas !== undefined ? { replicas: queued.replicas } : {};
    return reply(req, res, 202, { id: queued.id, entry: queued.entry, fate: `/notices/${encodeURIComponent(queued.id)}`, ...replicas });
  } catch (err) {
    if (delivery !== undefined) await forgetDelivery(deps, delivery);
    log.warn({ err: deps.notices.explain(err) }, 'could not queue a notice');
    return reply(req, res, 503, { error: `Redis is unavailable (${deps.notices.explain(err)}); the notice was not queued, try again` });
  }
}

async function getFate(req: IncomingMessage, res: ServerResponse, deps: WebhookDeps, id: string): Promise<void> {
  if (id.length === 0 || id.length > NOTICE_ID_MAX) return reply(req, res, 400, { error: `a notice id is 1-${NOTICE_ID_MAX} characters` });
  try {
    const fate = await deps.notices.fate(id);
    if (fate === undefined) {
      return reply(req, res, 404, { error: `no notice ${JSON.stringify(id)}: never queued, or its fate is older than ZEN_NOTICE_FATE_TTL_SECONDS` });
    }
    return reply(req, res, 200, fate);
  } catch (err) {
    return reply(req, res, 503, { error: `Redis is unavailable (${deps.notices.explain(err)})` });
  }
}

/**
 * Remembers a GitHub delivery id for as long as notice fates are kept; false
 * when it was already remembered (a replay). GitHub's own "Redeliver" reuses
 * the id too, so a delivery is accepted once, whoever sends it again.
 */
async function rememberDelivery(deps: WebhookDeps, delivery: string): Promise<boolean | 'unavailable'> {
  try {
    const key = deps.notices.names.webhookDeliveryPrefix + delivery;
    return (await deps.notices.redis.set(key, String(Date.now()), 'EX', deps.config.fateTtlSeconds, 'NX')) === 'OK';
  } catch {
    return 'unavailable';
  }
}

/** A delivery whose notice could not be queued may come again. */
async function forgetDelivery(deps: WebhookDeps, delivery: string): Promise<void> {
  await deps.notices.redis.del(deps.notices.names.webhookDeliveryPrefix + delivery).catch(() => undefined);
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow === 'GET' ? 'GET, HEAD' : allow);
  reply(req, res, 405, { error: `use ${allow} here` });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Sends a JSON reply; closes the connection when the request body was not read. */
function reply(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const json = `${JSON.stringify(body)}\n`;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  if (!req.complete) res.setHeader('Connection', 'close');
  res.end(req.method === 'HEAD' ? undefined : json);
  if (!req.complete) req.resume();
}
