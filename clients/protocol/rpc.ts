import { z } from 'zod';
import { envelope, envelopeSchema, Envelope, PROTOCOL_VERSION } from './envelope';
import type { BusNames } from './names';

/**
 * Request/response over the bus. A caller subscribes to a reply channel of
 * its own (under `zenrelay:reply:`), then publishes a `request` envelope on
 * the method's channel `zenrelay:rpc:<method>`. Whoever handles the method
 * publishes one `response` envelope with the same `id` on `reply_to`. PUBLISH
 * returning 0 means nobody handles the method. The handler does not answer
 * after the request's `deadline` (the caller has given up by then).
 */

export const RPC_METHOD = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** What may follow the reply prefix: no spaces, no wildcards. */
const REPLY_SUFFIX = /^[A-Za-z0-9_.:-]{1,160}$/;
/** The deadline a handler assumes when a request carries none (e.g. typed into redis-cli). */
export const DEFAULT_RPC_DEADLINE_MS = 10_000;
/** The longest a request may ask a handler to work. */
export const MAX_RPC_DEADLINE_MS = 600_000;

export const RPC_ERROR_CODES = [
  'bad_request',
  'not_found',
  'handler_failed',
  'timeout',
  'no_handler',
  'unavailable',
] as const;

export const rpcRequestEvent = envelopeSchema(
  'request',
  z.looseObject({
    id: z.string().min(1).max(128).describe('Correlation id chosen by the caller (a UUID); the response carries it back'),
    method: z.string().regex(RPC_METHOD).describe('Method name; also the last part of the channel `zenrelay:rpc:<method>`'),
    params: z.record(z.string(), z.unknown()).optional().describe('Named parameters of the method; `{}` when omitted'),
    reply_to: z.string().describe('Channel to publish the response on; must start with `zenrelay:reply:` (namespaced)'),
    deadline: z.number().int().optional().describe(`When the caller gives up, in milliseconds since the epoch; default: ${DEFAULT_RPC_DEADLINE_MS / 1000} s after the handler received the request`),
  }),
).describe('A request for the bot or a service, published on `zenrelay:rpc:<method>`.');

export const rpcErrorInfo = z
  .looseObject({
    code: z.string().describe(`Machine-readable: ${RPC_ERROR_CODES.join(', ')}, or a handler's own code`),
    message: z.string().describe('What went wrong and what to do, for people'),
  })
  .describe('Why a request failed.');

export const rpcResponseEvent = envelopeSchema(
  'response',
  z.union([
    z.looseObject({
      id: z.string().describe("The request's id"),
      ok: z.literal(true),
      result: z.unknown().describe("The method's result (any JSON value)"),
    }),
    z.looseObject({
      id: z.string().describe("The request's id"),
      ok: z.literal(false),
      error: rpcErrorInfo,
    }),
  ]),
).describe('The answer to one request, published on its `reply_to` channel.');

export type RpcRequestEvent = z.infer<typeof rpcRequestEvent>;
export type RpcRequest = RpcRequestEvent['data'];
export type RpcResponseEvent = z.infer<typeof rpcResponseEvent>;
export type RpcResponse = RpcResponseEvent['data'];
export type RpcErrorInfo = z.infer<typeof rpcErrorInfo>;

/** An error that travels as a response: `code` and `message` reach the caller as they are. */
export class RpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export function isRpcMethod(method: string): boolean {
  return RPC_METHOD.test(method);
}

/** The channel requests for `method` are published on. */
export function requestChannel(names: BusNames, method: string): string {
  if (!isRpcMethod(method)) throw new Error(`method ${JSON.stringify(method)} is not valid: use 1-64 letters, digits, '_', '.' or '-', starting with a letter`);
  return `${names.rpcPrefix}${method}`;
}

/** Why `replyTo` may not be answered on, or undefined when it may (a reply must never land on `out`). */
export function replyChannelProblem(names: BusNames, replyTo: string): string | undefined {
  if (!replyTo.startsWith(names.replyPrefix)) return `reply_to ${JSON.stringify(replyTo.slice(0, 80))} must start with ${JSON.stringify(names.replyPrefix)}`;
  if (!REPLY_SUFFIX.test(replyTo.slice(names.replyPrefix.length))) return 'reply_to may hold only letters, digits, `_`, `.`, `:` and `-` after the prefix (at most 160)';
  return undefined;
}

export function requestEnvelope(request: RpcRequest): RpcRequestEvent {
  return envelope('request', request) as RpcRequestEvent;
}

export function okResponse(id: string, result: unknown): RpcResponseEvent {
  return envelope('response', { id, ok: true as const, result: result === undefined ? null : result });
}

export function errorResponse(id: string, code: string, message: string): RpcResponseEvent {
  return envelope('response', { id, ok: false as const, error: { code, message } });
}

export type ParsedRequest =
  | { ok: true; request: RpcRequest; deadline: number }
  /** `replyTo` is set when the request can be answered with the error. */
  | { ok: false; reason: string; id?: string; replyTo?: string };

/**
 * Reads a request payload received on a method channel. `now` is when it was
 * received; the deadline is capped at MAX_RPC_DEADLINE_MS from then.
 */
export function parseRequest(payload: string, names: BusNames, now: number): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = rpcRequestEvent.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(envelope)'}: ${i.message}`).join('; ');
    const loose = looseIdAndReply(value, names);
    return { ok: false, reason: `not a valid request: ${issues}`, ...loose };
  }
  const request = parsed.data.data;
  const problem = replyChannelProblem(names, request.reply_to);
  if (problem) return { ok: false, reason: problem, id: request.id };
  const deadline = Math.min(request.deadline ?? now + DEFAULT_RPC_DEADLINE_MS, now + MAX_RPC_DEADLINE_MS);
  return { ok: true, request: { ...request, params: request.params ?? {} }, deadline };
}

/** The id and a safe reply channel of a malformed request, so the caller hears why instead of timing out. */
function looseIdAndReply(value: unknown, names: BusNames): { id?: string; replyTo?: string } {
  if (typeof value !== 'object' || value === null || (value as Envelope).version !== PROTOCOL_VERSION) return {};
  const data = (value as Envelope).data;
  if (typeof data !== 'object' || data === null) return {};
  const { id, reply_to: replyTo } = data as Record<string, unknown>;
  if (typeof id !== 'string' || id === '' || id.length > 128) return {};
  if (typeof replyTo !== 'string' || replyChannelProblem(names, replyTo) !== undefined) return { id };
  return { id, replyTo };
}

/** Reads a response payload received on a reply channel; undefined when it is not one. */
export function parseResponse(payload: string): RpcResponse | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const parsed = rpcResponseEvent.safeParse(value);
  return parsed.success ? parsed.data.data : undefined;
}

/** What a method handler gets, on the bot and in the SDK. */
export interface RpcContext {
  readonly id: string;
  readonly method: string;
  readonly params: Record<string, unknown>;
  /** When the caller gives up, in ms since the epoch. */
  readonly deadline: number;
  /** Aborted at the deadline. */
  readonly signal: AbortSignal;
}

export type RpcHandler = (ctx: RpcContext) => unknown;

/**
 * Runs `handler` for a parsed request and builds the response, or undefined
 * when the deadline passed first (nobody waits for it any more). A thrown
 * RpcError keeps its code; anything else becomes `handler_failed`.
 */
export async function answerRequest(
  request: RpcRequest,
  deadline: number,
  handler: RpcHandler,
  now: () => number = Date.now,
): Promise<RpcResponseEvent | undefined> {
  const remaining = deadline - now();
  if (remaining <= 0) return undefined;
  const signal = AbortSignal.timeout(remaining);
  const ctx: RpcContext = { id: request.id, method: request.method, params: request.params ?? {}, deadline, signal };
  let response: RpcResponseEvent;
  try {
    const result = await handler(ctx);
    response = okResponse(request.id, result);
    JSON.stringify(response); // a result that cannot be sent is the handler's failure
  } catch (err) {
    if (err instanceof RpcError) response = errorResponse(request.id, err.code, err.message);
    else response = errorResponse(request.id, 'handler_failed', `${request.method} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return now() > deadline ? undefined : response;
}
