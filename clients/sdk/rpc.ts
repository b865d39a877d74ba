/**
 * Request/response for SDK clients (wire format: clients/protocol/rpc.ts):
 *
 *     const status = await zen.request('status', {}, { timeout: 3000 });
 *     zen.handle('roll', ({ params }) => 1 + Math.floor(Math.random() * Number(params.sides ?? 6)));
 *
 * Each client has one reply channel (`zenrelay:reply:<uuid>`), subscribed on
 * its first request; correlation ids are UUIDs. A request fails with an
 * RpcError: the handler's code and message, `no_handler` when nobody
 * handles the method (not on a Redis Cluster, where PUBLISH cannot tell:
 * there it is a `timeout`), `timeout` when no answer came in time.
 */
import { randomUUID } from 'node:crypto';
import { isClusterConnection, subscribeKept, type RedisConnection } from '@zenrelay/runtime';
import {
  answerRequest,
  BusNames,
  errorResponse,
  parseRequest,
  parseResponse,
  requestChannel,
  requestEnvelope,
  RpcError,
  RpcHandler,
} from '@zenrelay/protocol';
import type { Logger } from '@zenrelay/runtime';

export interface RequestOptions {
  /** How long to wait for the answer, in ms; default 5000. The handler sees it as its deadline. */
  timeout?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: RpcError): void;
  timer: NodeJS.Timeout;
}

export class RpcPeer {
  readonly replyChannel: string;
  private readonly pending = new Map<string, Pending>();
  private readonly handlers = new Map<string, RpcHandler>();
  private replySubscribed: Promise<unknown> | undefined;
  private closed = false;

  /** `sub` must be a connection this peer may subscribe on; `pub` publishes. */
  constructor(
    private readonly sub: RedisConnection,
    private readonly pub: RedisConnection,
    private readonly names: BusNames,
    private readonly logger: Logger,
  ) {
    this.replyChannel = `${names.replyPrefix}${randomUUID()}`;
  }

  /** Calls `method` and resolves with its result, or rejects with an RpcError. */
  async request(method: string, params: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<unknown> {
    const channel = requestChannel(this.names, method);
    const timeout = options.timeout ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!(timeout > 0)) throw new RangeError(`timeout must be a positive number of ms, got ${timeout}`);
    if (this.closed) throw new RpcError('unavailable', 'this client is closed; connect again to make requests');
    this.replySubscribed ??= subscribeKept(this.sub, [this.replyChannel]);
    await this.replySubscribed;
    const id = randomUUID();
    const payload = JSON.stringify(requestEnvelope({ id, method, params, reply_to: this.replyChannel, deadline: Date.now() + timeout }));
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcError('timeout', `no answer to ${method} within ${timeout} ms (is its handler running and connected to the same Redis and namespace?)`));
      }, timeout);
      this.pending.set(id, { method, resolve, reject, timer });
    });
    let receivers: number;
    try {
      receivers = await this.pub.publish(channel, payload);
    } catch (err) {
      this.settle(id, undefined, new RpcError('unavailable', `could not publish on ${channel}: ${(err as Error).message}`));
      return answer;
    }
    // On a cluster the count covers one node's subscribers only: wait for the answer or the timeout.
    if (receivers === 0 && !isClusterConnection(this.pub)) this.settle(id, undefined, new RpcError('no_handler', `nothing handles ${method}: nobody is subscribed to ${channel}`));
    return answer;
  }

  /** Answers `method` with `handler`'s return value (or thrown error). Returns a function that stops answering. */
  async handle(method: string, handler: RpcHandler): Promise<() => Promise<void>> {
    const channel = requestChannel(this.names, method);
    if (this.handlers.has(channel)) throw new Error(`${method} already has a handler in this client; register each method once`);
    this.handlers.set(channel, handler);
    const stopResubscribing = await subscribeKept(this.sub, [channel]);
    return async () => {
      this.handlers.delete(channel);
      stopResubscribing();
      await this.sub.unsubscribe(channel).catch(() => undefined);
    };
  }

  /** Takes a message from the shared subscriber connection; false when it is not for this peer. */
  onMessage(channel: string, payload: string): boolean {
    if (channel === this.replyChannel) {
      const response = parseResponse(payload);
      if (!response) {
        this.logger.warn({ channel, input: payload.slice(0, 200) }, 'ignoring an invalid response');
        return true;
      }
      if (response.ok) this.settle(response.id, response.result);
      else this.settle(response.id, undefined, new RpcError(response.error.code, response.error.message));
      return true;
    }
    const handler = this.handlers.get(channel);
    if (!handler) return false;
    void this.serve(handler, payload);
    return true;
  }

  /** Fails every request still waiting and stops answering. */
  close(): void {
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, new RpcError('unavailable', 'the client closed before the answer came'));
    this.handlers.clear();
  }

  private settle(id: string, result: unknown, error?: RpcError): void {
    const pending = this.pending.get(id);
    if (!pending) return; // late, duplicate (several replicas answered), or not ours
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(result);
  }

  private async serve(handler: RpcHandler, payload: string): Promise<void> {
    const parsed = parseRequest(payload, this.names, Date.now());
    if (!parsed.ok) {
      this.logger.warn({ reason: parsed.reason }, 'ignoring a bad request');
      if (parsed.id && parsed.replyTo) await this.publish(parsed.replyTo, JSON.stringify(errorResponse(parsed.id, 'bad_request', parsed.reason)));
      return;
    }
    const response = await answerRequest(parsed.request, parsed.deadline, async (ctx) => {
      try {
        return await handler(ctx);
      } catch (err) {
        if (!(err instanceof RpcError)) this.logger.error({ method: ctx.method, err }, `handler of ${ctx.method} failed`);
        throw err;
      }
    });
    if (response && !this.closed) await this.publish(parsed.request.reply_to, JSON.stringify(response));
  }

  private async publish(channel: string, payload: string): Promise<void> {
    await this.pub.publish(channel, payload).catch((err: Error) => this.logger.warn({ err: err.message }, 'could not publish a response'));
  }
}
