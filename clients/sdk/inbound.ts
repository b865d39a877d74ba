/**
 * Reading what arrives on `in`: JSON, a version-1 envelope, a known type,
 * valid fields. Anything else is turned into a reason so the client can log
 * it and carry on; a type this SDK does not know yet (a newer bot) is
 * ignored quietly rather than reported as broken.
 */
import { InboundEvent, inboundEventSchemas, isOwnKey, MESSAGE_TYPES, messageEventProblem, PROTOCOL_VERSION } from '@zenrelay/protocol';

export type Decoded =
  | { kind: 'event'; event: InboundEvent }
  | { kind: 'unknown_type'; type: string }
  | { kind: 'invalid'; reason: string };

export function decodeInbound(payload: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (err) {
    return { kind: 'invalid', reason: `not JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', reason: 'not a JSON object' };
  }
  const record = value as Record<string, unknown>;
  if (record.version !== PROTOCOL_VERSION) {
    return { kind: 'invalid', reason: `version ${JSON.stringify(record.version)} is not 1` };
  }
  if (typeof record.type !== 'string') return { kind: 'invalid', reason: 'type is missing or not a string' };
  // An own key only: `constructor`, `__proto__`, `toString`… are unknown types, not Object's methods.
  if (!isOwnKey(inboundEventSchemas, record.type)) return { kind: 'unknown_type', type: record.type };
  // Messages (nearly everything a service gets) are checked in place: the same verdict as their schema, without its copy.
  if (MESSAGE_TYPES.has(record.type)) {
    const problem = messageEventProblem(record);
    return problem === undefined ? { kind: 'event', event: record as InboundEvent } : { kind: 'invalid', reason: `${record.type}: ${problem}` };
  }
  const schema = inboundEventSchemas[record.type];
  const parsed = schema.safeParse(record);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(envelope)'}: ${issue.message}`)
      .join('; ');
    return { kind: 'invalid', reason: `${record.type}: ${issues}` };
  }
  return { kind: 'event', event: parsed.data as InboundEvent };
}
