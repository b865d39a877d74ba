import {
  maxPayloadBytesSetting,
  noticeFateTtl,
  ConfigError,
  bool,
  integer,
  optionalText,
  read,
  setting,
  text,
  type Env,
} from '@zenrelay/runtime';
import { parseGithubTargets, type GithubTargetRule } from './githubTargets';

/**
 * Settings of the webhook service, from the environment, each with its
 * default and meaning (the README's webhook table lists exactly these).
 */

export const MIN_TOKEN_LENGTH = 16;

export const webhookSettings = {
  port: setting('WEBHOOK_PORT', '8787', 'Port the webhook listens on (`0` = any free port, logged)', integer(0, 65535)),
  host: setting('WEBHOOK_HOST', '127.0.0.1', 'Address the webhook listens on (`0.0.0.0` to accept from other hosts)', text),
  token: setting('WEBHOOK_TOKEN', '', `Bearer token every request must carry (at least ${MIN_TOKEN_LENGTH} characters); required unless WEBHOOK_ALLOW_NO_TOKEN=true`, (raw, variable) => {
    if (raw !== '' && raw.length < MIN_TOKEN_LENGTH) throw new ConfigError(variable, `must be at least ${MIN_TOKEN_LENGTH} characters; e.g. \`openssl rand -hex 24\``);
    return raw === '' ? undefined : raw;
  }),
  githubSecret: setting('WEBHOOK_GITHUB_SECRET', '', 'Secret of your GitHub webhooks: a `POST /notify/…` signed with it (X-Hub-Signature-256) needs no bearer token', optionalText),
  githubTargets: setting(
    'WEBHOOK_GITHUB_TARGETS',
    '',
    'Where GitHub-signed deliveries may go, comma-separated: `#chan` (any repository) or `owner/repo=#chan` (`*` globs); required with `WEBHOOK_GITHUB_SECRET`',
    (raw, variable) => {
      const parsed = parseGithubTargets(raw);
      if (!parsed.ok) throw new ConfigError(variable, parsed.problem);
      return parsed.rules;
    },
  ),
  allowNoToken: setting('WEBHOOK_ALLOW_NO_TOKEN', 'false', 'Run without a token (anyone who can reach the port can post to IRC)', bool),
  maxBodyBytes: setting('WEBHOOK_MAX_BODY_BYTES', '65536', 'Largest request body accepted; bigger ones get 413', integer(64, 10_485_760)),
  ratePerMinute: setting('WEBHOOK_RATE_PER_MINUTE', '60', 'Requests per minute each client (IP address) may make after the burst; more get 429', integer(1, 1_000_000)),
  burst: setting('WEBHOOK_BURST', '10', 'Requests a client may make back to back before the rate applies', integer(1, 100_000)),
  maxLines: setting('WEBHOOK_MAX_LINES', '10', 'Most IRC lines one formatted payload (alerts, commits) becomes; the rest is summarised', integer(1, 100)),
};

export interface WebhookConfig {
  port: number;
  host: string;
  token: string | undefined;
  /** GitHub webhook secret: requests signed with it are accepted without the bearer token. */
  githubSecret: string | undefined;
  /** Where signed GitHub deliveries may go (WEBHOOK_GITHUB_TARGETS). */
  githubTargets: GithubTargetRule[];
  maxBodyBytes: number;
  ratePerMinute: number;
  burst: number;
  maxLines: number;
  /** The bot's ZEN_MAX_PAYLOAD_BYTES: a notice must fit it. */
  maxEnvelopeBytes: number;
  fateTtlSeconds: number;
}

/** Reads the webhook settings; throws ConfigError naming the variable. */
export function loadWebhookConfig(env: Env): WebhookConfig {
  const token = read(env, webhookSettings.token);
  const allowNoToken = read(env, webhookSettings.allowNoToken);
  if (token === undefined && !allowNoToken) {
    throw new ConfigError(
      'WEBHOOK_TOKEN',
      `is required: set it to a secret of at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 24\`), or set WEBHOOK_ALLOW_NO_TOKEN=true to run without one`,
    );
  }
  const githubSecret = read(env, webhookSettings.githubSecret);
  const githubTargets = read(env, webhookSettings.githubTargets);
  if (githubSecret !== undefined && githubTargets.length === 0) {
    throw new ConfigError(
      'WEBHOOK_GITHUB_TARGETS',
      'is required with WEBHOOK_GITHUB_SECRET: a signature covers the body, not the path, so say where GitHub deliveries may go (e.g. "#ci,octo-org/zenrelay=#zenrelay")',
    );
  }
  return {
    port: read(env, webhookSettings.port),
    host: read(env, webhookSettings.host),
    token,
    githubSecret,
    githubTargets,
    maxBodyBytes: read(env, webhookSettings.maxBodyBytes),
    ratePerMinute: read(env, webhookSettings.ratePerMinute),
    burst: read(env, webhookSettings.burst),
    maxLines: read(env, webhookSettings.maxLines),
    maxEnvelopeBytes: read(env, maxPayloadBytesSetting),
    fateTtlSeconds: read(env, noticeFateTtl),
  };
}

/** Rows for the README's webhook table. */
export function describeWebhookSettings(): Array<{ variable: string; default: string | undefined; description: string }> {
  return Object.values(webhookSettings).map(({ variable, default: def, description }) => ({ variable, default: def, description }));
}
