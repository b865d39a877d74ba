/**
 * IRCv3 Strict Transport Security (https://ircv3.net/specs/extensions/sts),
 * the pure part: parsing the `sts` capability's value, what to do with it on
 * a plain-text or a TLS connection, and when a remembered policy applies.
 *
 * - On a plain-text connection, `port=N` is an upgrade: drop the connection
 *   and reconnect with TLS to port N. `duration` is ignored there (an
 *   attacker could have sent it).
 * - On a TLS connection whose certificate was verified, `duration=S` is a
 *   persistence policy: for S seconds from now (renewed each time it is seen)
 *   every connection to that host uses TLS on the port of this connection,
 *   never plain text; `duration=0` removes the policy.
 * - Anything malformed is ignored (the spec says so: a client must not act on
 *   a policy it cannot parse).
 */

export interface StsValue {
  port?: number;
  /** Seconds. */
  duration?: number;
}

/** A remembered persistence policy for one host. */
export interface StsPolicy {
  /** Lowercased IRC_HOST the policy is for. */
  host: string;
  /** The TLS port to use (the port the policy was received on). */
  port: number;
  /** Epoch milliseconds after which the policy no longer applies. */
  expiresAt: number;
}

export type StsAction =
  | { kind: 'upgrade'; port: number }
  | { kind: 'remember'; policy: StsPolicy }
  | { kind: 'clear' }
  | { kind: 'ignore'; why: string };

const DIGITS = /^\d{1,10}$/;

/** `port=6697,duration=2592000` → `{ port: 6697, duration: 2592000 }`; undefined when malformed. Unknown keys are skipped. */
export function parseStsValue(value: string | undefined | true): StsValue | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const out: StsValue = {};
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).toLowerCase();
    const raw = eq < 0 ? undefined : item.slice(eq + 1);
    if (key === 'port') {
      if (raw === undefined || !DIGITS.test(raw)) return undefined;
      const port = Number(raw);
      if (port < 1 || port > 65535) return undefined;
      out.port = port;
    } else if (key === 'duration') {
      if (raw === undefined || !DIGITS.test(raw)) return undefined;
      out.duration = Number(raw);
    }
    // `preload` and future keys: nothing to do.
  }
  return out;
}

/**
 * What to do with an advertised `sts` value. `secure`: this connection is
 * TLS with a verified certificate; `port`: this connection's port.
 */
export function stsAction(value: string | undefined | true, connection: { host: string; port: number; secure: boolean }, now: number): StsAction {
  const parsed = parseStsValue(value);
  if (!parsed) return { kind: 'ignore', why: `malformed sts value ${JSON.stringify(value)}` };
  if (!connection.secure) {
    if (parsed.port === undefined) return { kind: 'ignore', why: 'sts on plain text without a port' };
    return { kind: 'upgrade', port: parsed.port };
  }
  if (parsed.duration === undefined) return { kind: 'ignore', why: 'sts on TLS without a duration' };
  if (parsed.duration === 0) return { kind: 'clear' };
  return { kind: 'remember', policy: { host: connection.host.toLowerCase(), port: connection.port, expiresAt: now + parsed.duration * 1000 } };
}

/** Whether `policy` applies to `host` at `now`. */
export function policyApplies(policy: StsPolicy | undefined, host: string, now: number): policy is StsPolicy {
  return policy !== undefined && policy.host === host.toLowerCase() && now < policy.expiresAt;
}

/** A stored policy read back (JSON from Redis), or undefined when it is not a policy. */
export function parseStoredPolicy(text: string | null | undefined): StsPolicy | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const { host, port, expiresAt } = value as Record<string, unknown>;
  if (typeof host !== 'string' || host === '') return undefined;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  return { host, port, expiresAt };
}
