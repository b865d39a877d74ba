import { formatAlertmanager, isAlertmanagerPayload } from './alertmanager';
import { formatGithubPush } from './github';
import { cleanText, isRecord } from './text';

/**
 * Turns a webhook request body into the text of one notice: plain text as
 * is; JSON from GitHub (push), Alertmanager, or anything with a `message`
 * (or `text`) string field. Pure.
 */

export interface FormatInput {
  /** The Content-Type header, if any. */
  contentType: string | undefined;
  /** The X-GitHub-Event header, if any. */
  githubEvent: string | undefined;
  body: Buffer;
  /** Most lines a formatted payload may become. */
  maxLines: number;
}

export type FormatResult =
  | { kind: 'message'; format: 'text' | 'github' | 'alertmanager' | 'json'; message: string }
  /** Understood, but nothing to relay (e.g. GitHub's ping): answer 200, queue nothing. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function isJsonContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

export function formatBody(input: FormatInput): FormatResult {
  let text: string;
  try {
    text = strictUtf8.decode(input.body);
  } catch {
    return { kind: 'invalid', reason: 'body is not valid UTF-8 text' };
  }
  if (!isJsonContentType(input.contentType) && input.githubEvent === undefined) {
    const message = cleanText(text).replace(/\n+$/, '');
    if (message.trim() === '') return { kind: 'invalid', reason: 'body is empty; send the message text (or JSON with a "message" field)' };
    return { kind: 'message', format: 'text', message: capLines(message, input.maxLines) };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    return { kind: 'invalid', reason: `malformed JSON: ${(err as Error).message}` };
  }
  return formatJson(payload, input);
}

function formatJson(payload: unknown, input: FormatInput): FormatResult {
  const event = input.githubEvent?.toLowerCase();
  if (event !== undefined) {
    if (event === 'ping') return { kind: 'ignored', reason: 'GitHub ping received; push events will be relayed' };
    if (event !== 'push') return { kind: 'ignored', reason: `GitHub event "${event}" is not relayed (only push)` };
    const pushed = formatGithubPush(payload, input.maxLines);
    return pushed.ok ? { kind: 'message', format: 'github', message: pushed.message } : { kind: 'invalid', reason: pushed.reason };
  }
  if (isAlertmanagerPayload(payload)) {
    const alerts = formatAlertmanager(payload, input.maxLines);
    return alerts.ok ? { kind: 'message', format: 'alertmanager', message: alerts.message } : { kind: 'invalid', reason: alerts.reason };
  }
  if (!isRecord(payload)) return { kind: 'invalid', reason: 'JSON body must be an object with a "message" (or "text") string field' };
  const field = Object.hasOwn(payload, 'message') ? 'message' : Object.hasOwn(payload, 'text') ? 'text' : undefined;
  if (field === undefined) {
    return {
      kind: 'invalid',
      reason: 'JSON body needs a "message" (or "text") string field, or must be a GitHub push (X-GitHub-Event: push) or an Alertmanager webhook',
    };
  }
  const value = payload[field];
  if (typeof value !== 'string') return { kind: 'invalid', reason: `"${field}" must be a string` };
  const message = cleanText(value).replace(/\n+$/, '');
  if (message.trim() === '') return { kind: 'invalid', reason: `"${field}" is empty` };
  return { kind: 'message', format: 'json', message: capLines(message, input.maxLines) };
}

/** At most `maxLines` lines: the first ones, then one saying how many more there were. */
export function capLines(message: string, maxLines: number): string {
  const lines = message.split('\n');
  if (lines.length <= maxLines) return message;
  const kept = lines.slice(0, Math.max(1, maxLines - 1));
  return [...kept, `… and ${lines.length - kept.length} more lines`].join('\n');
}
