import pino from 'pino';
import type { StsPolicy } from './sts';
import { StsPolicies, type StsStore } from './stsPolicies';

const quiet = pino({ level: 'silent' });

/** A StsStore over a Map (the Redis one is tested in test/integration/ircSts.test.ts). */
function memoryStore(): StsStore & { saved: Map<string, StsPolicy> } {
  const saved = new Map<string, StsPolicy>();
  return {
    saved,
    load: async (host) => saved.get(host.toLowerCase()),
    save: async (policy) => void saved.set(policy.host, policy),
    clear: async (host) => void saved.delete(host.toLowerCase()),
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('StsPolicies', () => {
  let now = 1_000_000;
  const clock = () => now;
  const plain = { port: 6667, tls: false };

  it('upgrades plain text to the advertised TLS port for the rest of the process', () => {
    const sts = new StsPolicies('irc.example.org', undefined, quiet, clock);
    expect(sts.endpoint(plain)).toEqual(plain);
    expect(sts.advertised('port=6697', { port: 6667, secure: false })).toEqual({ kind: 'upgrade', port: 6697 });
    expect(sts.endpoint(plain)).toEqual({ port: 6697, tls: true, via: 'sts-upgrade' });
  });

  it('remembers a policy seen over TLS, saves it, and uses it after a restart until it expires', async () => {
    const store = memoryStore();
    const first = new StsPolicies('IRC.example.org', store, quiet, clock);
    first.advertised('duration=60', { port: 6697, secure: true });
    await flush();
    expect(store.saved.get('irc.example.org')).toEqual({ host: 'irc.example.org', port: 6697, expiresAt: now + 60_000 });
    const restarted = new StsPolicies('irc.example.org', store, quiet, clock);
    await restarted.load();
    expect(restarted.endpoint(plain)).toEqual({ port: 6697, tls: true, via: 'sts-policy' });
    // Never downgrades while valid, whatever plain text says.
    restarted.advertised('port=7000', { port: 6667, secure: false });
    expect(restarted.endpoint(plain)).toMatchObject({ port: 6697, tls: true, via: 'sts-policy' });
    now += 60_000;
    expect(restarted.endpoint({ port: 6667, tls: false }).via).not.toBe('sts-policy');
  });

  it('a policy with duration=0 removes it, from the store too', async () => {
    const store = memoryStore();
    const sts = new StsPolicies('irc.example.org', store, quiet, clock);
    sts.advertised('duration=300', { port: 6697, secure: true });
    await flush();
    expect(store.saved.size).toBe(1);
    sts.advertised('duration=0', { port: 6697, secure: true });
    await flush();
    expect(store.saved.size).toBe(0);
    expect(sts.current).toBeUndefined();
    expect(sts.endpoint(plain)).toEqual(plain);
  });

  it('ignores a saved policy that expired, or is for another host', async () => {
    const store = memoryStore();
    store.saved.set('irc.example.org', { host: 'irc.example.org', port: 6697, expiresAt: now - 1 });
    const sts = new StsPolicies('irc.example.org', store, quiet, clock);
    await sts.load();
    expect(sts.endpoint(plain)).toEqual(plain);
  });

  it('keeps working when the store fails (logged, in memory)', async () => {
    const failing: StsStore = { load: async () => Promise.reject(new Error('down')), save: async () => Promise.reject(new Error('down')), clear: async () => undefined };
    const sts = new StsPolicies('irc.example.org', failing, quiet, clock);
    await sts.load();
    sts.advertised('duration=300', { port: 6697, secure: true });
    await flush();
    expect(sts.endpoint(plain)).toMatchObject({ port: 6697, tls: true });
  });
});
