import { Writable } from 'node:stream';
import pino from 'pino';
import type { BundledService, RunningService } from '../../../services';
import { startServices } from './services';

function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

function service(name: string, events: string[], failOn: 'start' | 'close' | 'never' = 'never'): BundledService {
  return {
    description: name,
    async start(): Promise<RunningService> {
      if (failOn === 'start') throw new Error('WEBHOOK_TOKEN is required');
      events.push(`start ${name}`);
      return {
        name,
        async close() {
          events.push(`close ${name}`);
          if (failOn === 'close') throw new Error('already closed');
        },
      };
    },
  };
}

const context = { redisUrl: 'redis://127.0.0.1:6379', namespace: '', env: {} };

describe('startServices', () => {
  it('starts every service it can, skips one that cannot start with a log line saying why', async () => {
    const events: string[] = [];
    const { log, lines } = memoryLogger();
    const started = await startServices({ hello: service('hello', events), webhook: service('webhook', events, 'start'), help: service('help', events) }, context, log);
    expect(started.running.map((s) => s.name)).toEqual(['hello', 'help']);
    expect(started.skipped).toEqual([{ name: 'webhook', reason: 'WEBHOOK_TOKEN is required' }]);
    const skipLine = lines.find((l) => l.service === 'webhook');
    expect(skipLine).toMatchObject({ level: 40, msg: 'service webhook not started (skipped): WEBHOOK_TOKEN is required' });
    expect(events).toEqual(['start hello', 'start help']);
  });

  it('leaves out an optional service nobody asked for, without a line above debug', async () => {
    const events: string[] = [];
    const { log, lines } = memoryLogger();
    const webhook = { ...service('webhook', events, 'start'), wanted: (env: NodeJS.ProcessEnv) => env.WEBHOOK_TOKEN !== undefined };
    const started = await startServices({ hello: service('hello', events), webhook }, context, log);
    expect(started.skipped).toEqual([]);
    expect(started.running.map((s) => s.name)).toEqual(['hello']);
    expect(lines.filter((l) => l.service === 'webhook')).toEqual([]);
    const asked = await startServices({ webhook }, { ...context, env: { WEBHOOK_TOKEN: 'x' } }, log);
    expect(asked.skipped.map((s) => s.name)).toEqual(['webhook']);
  });

  it('closes in reverse order and goes on when one fails to close', async () => {
    const events: string[] = [];
    const { log, lines } = memoryLogger();
    const started = await startServices({ a: service('a', events), b: service('b', events, 'close'), c: service('c', events) }, context, log);
    await expect(started.close()).resolves.toBeUndefined();
    expect(events).toEqual(['start a', 'start b', 'start c', 'close c', 'close b', 'close a']);
    expect(lines.some((l) => l.service === 'b' && l.msg === 'service did not close cleanly')).toBe(true);
  });
});
