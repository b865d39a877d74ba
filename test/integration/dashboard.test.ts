/**
 * The Grafana dashboard and the Prometheus alert rules under deploy/ use only
 * metrics the bot really exports: a real `zen bot` (ngircd, Redis,
 * HTTP_PORT) is scraped and every metric name in every expression must be in
 * its /metrics. Also checks the shape Grafana and Prometheus need, and that
 * the alerts the operations guide promises exist.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { freePort, IrcServer, RedisServer, startNgircd, startRedis, waitUntil } from '../harness';
import { spawnZen, ZenProcess } from '../support/cli';

jest.setTimeout(60000);

const root = join(__dirname, '..', '..');
const dashboard = JSON.parse(readFileSync(join(root, 'deploy', 'grafana', 'zenrelay-dashboard.json'), 'utf8')) as {
  uid: string;
  panels: Array<{ id: number; title: string; datasource: { uid: string }; targets: Array<{ expr: string; refId: string }> }>;
  templating: { list: Array<{ name: string; definition?: string }> };
};
const rules = parse(readFileSync(join(root, 'deploy', 'prometheus', 'zenrelay-alerts.yml'), 'utf8')) as {
  groups: Array<{ name: string; rules: Array<{ alert: string; expr: string; for: string; labels: { severity: string }; annotations: { summary: string } }> }>;
};
const alerts = rules.groups.flatMap((g) => g.rules);

const expressions = [
  ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
  ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : [])),
  ...alerts.map((a) => a.expr),
];
/** Metric names in PromQL: the bot's own and the Node process metrics (`up` is Prometheus's own). */
const used = [...new Set(expressions.flatMap((e) => [...e.matchAll(/\b(?:zen|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0])))].sort();

describe('the dashboard and alert rules, statically', () => {
  it('has panels with unique ids, each querying the templated Prometheus', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid).toBe('${datasource}');
      expect(panel.targets.length).toBeGreaterThan(0);
    }
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'job', 'instance']);
  });

  it('covers IRC and Redis up, traffic, the send queue and delay, rejections, notices and reconnects', () => {
    for (const metric of [
      'zen_irc_registered',
      'zen_irc_connected',
      'zen_redis_connected',
      'zen_in_events_total',
      'zen_irc_lines_sent_total',
      'zen_send_queue_depth',
      'zen_send_delay_seconds_bucket',
      'zen_rejected_total',
      'zen_notices_pending',
      'zen_notices_total',
      'zen_irc_reconnects_total',
      'zen_redis_reconnects_total',
    ]) {
      expect(used).toContain(metric);
    }
  });

  it('has the promised alerts, each with a duration, a severity and a summary', () => {
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining(['ZenrelayBotDown', 'ZenrelayIrcDisconnected', 'ZenrelayNoticesPendingGrowing', 'ZenrelaySendDelayHigh']),
    );
    expect(alerts.find((a) => a.alert === 'ZenrelayIrcDisconnected')).toMatchObject({ expr: expect.stringContaining('zen_irc_registered'), for: '2m' });
    expect(alerts.find((a) => a.alert === 'ZenrelaySendDelayHigh')?.expr).toMatch(/histogram_quantile\(0\.99, .*zen_send_delay_seconds_bucket.*\) > 30$/);
    for (const alert of alerts) {
      expect(alert.for).toMatch(/^\d+m$/);
      expect(['warning', 'critical']).toContain(alert.labels.severity);
      expect(alert.annotations.summary.length).toBeGreaterThan(10);
    }
  });
});

describe('against a real zen bot', () => {
  let redis: RedisServer;
  let irc: IrcServer;
  let zen: ZenProcess;
  let cwd: string;

  beforeAll(async () => {
    [redis, irc] = await Promise.all([startRedis(), startNgircd()]);
    cwd = mkdtempSync(join(tmpdir(), 'zenrelay-dashboard-'));
  });

  afterAll(async () => {
    if (zen) {
      zen.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([zen.exited, new Promise((resolve) => (timer = setTimeout(resolve, 10000)))]);
      clearTimeout(timer);
      zen.kill();
    }
    await Promise.all([redis?.stop(), irc?.stop()]);
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  function scrape(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/metrics', timeout: 5000 }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('exports every metric the dashboard and the alerts use', async () => {
    const httpPort = await freePort();
    zen = spawnZen(['bot'], { IRC_HOST: irc.host, IRC_PORT: String(irc.port), REDIS_URL: redis.url, IRC_CHANNELS: '#dash', IRC_NICK: 'dashbot', HTTP_PORT: String(httpPort), LOG_LEVEL: 'warn' }, cwd);
    let text = '';
    await waitUntil(
      async () => {
        text = await scrape(httpPort).catch(() => '');
        return /^zen_irc_registered 1$/m.test(text) && /^zen_redis_connected 1$/m.test(text);
      },
      30000,
      'the bot to be on IRC and Redis',
    );
    expect(text).toMatch(/^zen_irc_connected 1$/m);
    // What a scrape can contain: every `# TYPE` name, and a histogram's _bucket, _sum and _count series.
    const exported = new Set<string>();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${name}${suffix}`);
    }
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
    expect(used.length).toBeGreaterThan(15);
  });
});
