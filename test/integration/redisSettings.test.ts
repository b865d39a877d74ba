/**
 * Every program reads the Redis settings the same way: a bad combination of
 * REDIS_SENTINELS / REDIS_SENTINEL_MASTER / REDIS_CLUSTER_NODES stops each
 * one with exit code 2 and a line naming the variable, before connecting.
 */
import { NOTIFY_EXIT } from '../../clients/cli/notify/notifyPlan';
import { runZen } from '../support/notices';

jest.setTimeout(60000);

const programs: Array<[string, string[]]> = [
  ['bot', ['bot']],
  ['notify', ['notify', '#x', 'hi']],
  ['tail', ['tail']],
  ['service', ['service', 'hello']],
  ['up', ['up']],
];

describe.each(programs)('zen %s', (name, args) => {
  it.each([
    [{ REDIS_SENTINELS: '127.0.0.1:26379' }, 'REDIS_SENTINEL_MASTER'],
    [{ REDIS_SENTINELS: '127.0.0.1:26379', REDIS_SENTINEL_MASTER: 'm', REDIS_CLUSTER_NODES: '127.0.0.1:7000' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_CLUSTER_NODES: '127.0.0.1' }, 'REDIS_CLUSTER_NODES'],
  ])('exits 2 naming the variable (%o → %s)', async (env, variable) => {
    const result = await runZen(args, { IRC_HOST: '127.0.0.1', ...env }, { timeoutMs: 20000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^zen ${name}: ${variable} `));
  });
});

describe('zen notify with unreachable sentinels', () => {
  it('gives up at once with the Redis exit code, naming the settings to check', async () => {
    const result = await runZen(['notify', '#x', 'hi'], { REDIS_SENTINELS: '127.0.0.1:1', REDIS_SENTINEL_MASTER: 'm' }, { timeoutMs: 20000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(NOTIFY_EXIT.redis);
    expect(result.stderr).toMatch(/cannot reach Redis at sentinel master "m" via 127\.0\.0\.1:1: .*REDIS_SENTINELS and REDIS_SENTINEL_MASTER right\? Nothing was queued/);
  });
});
