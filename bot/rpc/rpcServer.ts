import { answerRequest, BusNames, errorResponse, parseRequest, requestChannel, RpcHandler } from '@zenrelay/protocol';
import type { Logger, RedisConnection, RedisTarget } from '@zenrelay/runtime';
import { createRedis, RateLimitedLog, subscribeKept } from '@zenrelay/runtime';

/**
 * The bot's side of request/response (clients/protocol/rpc.ts): subscribes
 * to `zenrelay:rpc:<method>` for each built-in method and publishes each
 * answer on the request's `reply_to`. Own connections, so a slow answer
 * never holds up `in` or `out`.
 */
export class RpcServer {
  private readonly sub: RedisConnection;
  private readonly pub: RedisConnection;
  private readonly handlers = new Map<string, RpcHandler>();
  private readonly badInput: RateLimitedLog;
  private stopped = false;
  private stopResubscribing: () => void = () => undefined;

  constructor(
    target: RedisTarget,
    private readonly names: BusNames,
    private readonly log: Logger,
  ) {
    const common = { lazyConnect: true, connectionName: 'zenrelay-bot-rpc', maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 100, 2000) };
    this.sub = createRedis(target, common);
    this.pub = createRedis(target, { ...common, enableOfflineQueue: false });
    for (const conn of [this.sub, this.pub]) conn.on('error', (err: Error) => log.debug({ role: 'rpc', err: err.message }, 'Redis error'));
    this.badInput = new RateLimitedLog(log);
    this.sub.on('message', (channel: string, message: string) => void this.onRequest(channel, message));
  }

  method(name: string, handler: RpcHandler): this {
    this.handlers.set(requestChannel(this.names, name), handler);
    return this;
  }

  /** Subscribes to every method's channel, again after every reconnect (subscribeKept). */
  async start(): Promise<void> {
    this.sub.connect().catch(() => undefined);
    this.pub.connect().catch(() => undefined);
    this.stopResubscribing = await subscribeKept(this.sub, [...this.handlers.keys()]);
    this.log.debug({ methods: [...this.handlers.keys()] }, 'answering requests');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopResubscribing();
    await Promise.all([this.sub, this.pub].map((c) => c.quit().catch(() => c.disconnect())));
  }

  private async onRequest(channel: string, payload: string): Promise<void> {
    const handler = this.handlers.get(channel);
    if (!handler || this.stopped) return;
    const parsed = parseRequest(payload, this.names, Date.now());
    if (!parsed.ok) {
      this.badInput.warn({ channel, reason: parsed.reason }, 'ignoring a bad request');
      if (parsed.replyTo && parsed.id) this.reply(parsed.replyTo, JSON.stringify(errorResponse(parsed.id, 'bad_request', parsed.reason)));
      return;
    }
    const response = await answerRequest(parsed.request, parsed.deadline, handler);
    if (response === undefined) {
      this.log.debug({ method: parsed.request.method, id: parsed.request.id }, 'request answered after its deadline; not sending');
      return;
    }
    this.reply(parsed.request.reply_to, JSON.stringify(response));
  }

  private reply(channel: string, payload: string): void {
    if (this.stopped || this.pub.status !== 'ready') return;
    this.pub.publish(channel, payload).catch((err: Error) => this.log.warn({ err: err.message }, 'could not publish a response'));
  }
}
