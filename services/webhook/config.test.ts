import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWebhookSettings, loadWebhookConfig } from './config';

const TOKEN = 'a-token-of-24-characters';

describe('webhook configuration', () => {
  it('has defaults for everything but the token', () => {
    expect(loadWebhookConfig({ WEBHOOK_TOKEN: TOKEN })).toEqual({
      port: 8787,
      host: '127.0.0.1',
      token: TOKEN,
      githubSecret: undefined,
      githubTargets: [],
      maxBodyBytes: 65536,
      ratePerMinute: 60,
      burst: 10,
      maxLines: 10,
      maxEnvelopeBytes: 16384,
      fateTtlSeconds: 604800,
    });
  });

  it('refuses to start without a token unless told to', () => {
    expect(() => loadWebhookConfig({})).toThrow(/WEBHOOK_TOKEN is required.*WEBHOOK_ALLOW_NO_TOKEN=true/);
    expect(loadWebhookConfig({ WEBHOOK_ALLOW_NO_TOKEN: 'true' }).token).toBeUndefined();
  });

  it('refuses a short token and bad numbers, naming the variable', () => {
    expect(() => loadWebhookConfig({ WEBHOOK_TOKEN: 'short' })).toThrow(/^WEBHOOK_TOKEN must be at least 16 characters/);
    expect(() => loadWebhookConfig({ WEBHOOK_TOKEN: TOKEN, WEBHOOK_PORT: 'http' })).toThrow(/^WEBHOOK_PORT must be a whole number/);
    expect(() => loadWebhookConfig({ WEBHOOK_TOKEN: TOKEN, WEBHOOK_MAX_BODY_BYTES: '1' })).toThrow(/^WEBHOOK_MAX_BODY_BYTES must be 64 or more/);
  });

  it('needs WEBHOOK_GITHUB_TARGETS with WEBHOOK_GITHUB_SECRET, and checks its rules', () => {
    expect(() => loadWebhookConfig({ WEBHOOK_TOKEN: TOKEN, WEBHOOK_GITHUB_SECRET: 's' })).toThrow(/^WEBHOOK_GITHUB_TARGETS is required with WEBHOOK_GITHUB_SECRET/);
    expect(() => loadWebhookConfig({ WEBHOOK_TOKEN: TOKEN, WEBHOOK_GITHUB_SECRET: 's', WEBHOOK_GITHUB_TARGETS: 'a b=#x' })).toThrow(/^WEBHOOK_GITHUB_TARGETS rule "a b=#x"/);
    const config = loadWebhookConfig({ WEBHOOK_TOKEN: TOKEN, WEBHOOK_GITHUB_SECRET: 's', WEBHOOK_GITHUB_TARGETS: '#ci,octo/*=#octo' });
    expect(config.githubTargets.map((r) => [r.repoGlob, r.target])).toEqual([['*', '#ci'], ['octo/*', '#octo']]);
  });

  it('is listed in the README with every default', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const { variable, default: def } of describeWebhookSettings()) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${variable}\` |`));
      expect(row).toBeDefined();
      const cell = row?.split('|')[2].trim();
      expect(cell).toBe(def === '' ? '(empty)' : `\`${def}\``);
    }
  });
});
