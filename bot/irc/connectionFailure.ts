/**
 * Why an IRC connection attempt failed, in words an operator can act on: a
 * cause (stable, for logs and tests), a message naming what failed (host:port,
 * the name that did not resolve, the certificate check), and the fix.
 * Pure: the connection collects the facts, this module names them.
 */

export type FailureCause =
  | 'refused'
  | 'dns'
  | 'unreachable'
  | 'timeout'
  | 'reset'
  | 'tls_handshake'
  | 'tls_plaintext'
  | 'plaintext_on_tls_port'
  | 'certificate'
  | 'not_irc'
  | 'registration_timeout'
  | 'bad_password'
  | 'banned'
  | 'server_error'
  | 'ping_timeout'
  | 'tls_files'
  | 'sasl'
  | 'nickserv'
  | 'sts_upgrade'
  | 'closed';

export interface ConnectionFailure {
  cause: FailureCause;
  /** What happened, naming the host, port, name or check involved. */
  message: string;
  /** What to do about it. */
  hint: string;
}

export interface Target {
  host: string;
  port: number;
  tls: boolean;
  /** IRC_TLS_CA, when set: named in certificate errors. */
  ca?: string;
}

const TLS_HINT = 'is IRC_TLS right? (IRC_TLS=true needs a TLS port, often 6697; plain text is usually 6667)';

/** A server's text fit for one log field: no CR, LF or other control characters, at most `max` characters. */
export function cleanServerText(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

const CERT_CHECKS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed certificate that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by a trusted authority (or the server does not send its intermediate certificates)',
  UNABLE_TO_GET_ISSUER_CERT: "the certificate's issuer is unknown",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the certificate's issuer is not trusted here",
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet (check the clock)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
  CERT_REVOKED: 'the certificate was revoked',
  CERT_UNTRUSTED: 'the certificate is not trusted',
};

/** A socket or TLS error (ECONNREFUSED, ENOTFOUND, a certificate check…) as a failure. */
export function classifySocketError(err: Error & { code?: string }, target: Target): ConnectionFailure {
  const code = err.code ?? '';
  const where = `${target.host}:${target.port}`;
  const certCheck = Object.hasOwn(CERT_CHECKS, code) ? CERT_CHECKS[code] : undefined;
  if (certCheck !== undefined) {
    return { cause: 'certificate', message: `TLS certificate of ${where} rejected: ${certCheck} (${code})${certDetail(err)}`, hint: certificateHint(code, target) };
  }
  switch (code) {
    case 'ECONNREFUSED':
      return { cause: 'refused', message: `connection refused by ${where}`, hint: 'is the IRC server running, and are IRC_HOST and IRC_PORT right?' };
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return {
        cause: 'dns',
        message: `the name ${JSON.stringify(target.host)} does not resolve (${code})`,
        hint: 'check IRC_HOST for typos, and that this machine can resolve names',
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return { cause: 'unreachable', message: `${where} is unreachable (${code})`, hint: 'check IRC_HOST, the network and any firewall' };
    case 'ETIMEDOUT':
      return { cause: 'timeout', message: `connecting to ${where} timed out`, hint: 'check IRC_HOST, IRC_PORT and any firewall dropping the connection' };
    case 'ECONNRESET':
    case 'EPIPE':
      return target.tls
        ? { cause: 'tls_handshake', message: `${where} reset the connection during the TLS handshake (${code})`, hint: TLS_HINT }
        : { cause: 'reset', message: `${where} reset the connection (${code})`, hint: `the server dropped us; if it only takes TLS, ${TLS_HINT}` };
  }
  if (/wrong version number|packet length too long|unknown protocol|record layer failure|http request/i.test(err.message) || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return { cause: 'tls_plaintext', message: `${where} does not speak TLS (${cleanServerText(err.message, 120)})`, hint: TLS_HINT };
  }
  if (/ssl|tls|handshake|alert/i.test(`${code} ${err.message}`)) {
    return { cause: 'tls_handshake', message: `TLS handshake with ${where} failed: ${cleanServerText(err.message, 160)}`, hint: TLS_HINT };
  }
  return { cause: 'closed', message: `connection to ${where} failed: ${cleanServerText(err.message, 160)}${code ? ` (${code})` : ''}`, hint: 'check IRC_HOST and IRC_PORT' };
}

/** The names a rejected certificate is for (Node puts the peer certificate on ERR_TLS_CERT_ALTNAME_INVALID). */
function certDetail(err: Error & { code?: string; cert?: { subjectaltname?: string; subject?: { CN?: string } } }): string {
  if (err.code !== 'ERR_TLS_CERT_ALTNAME_INVALID') return '';
  const names = err.cert?.subjectaltname ?? (err.cert?.subject?.CN ? `CN=${err.cert.subject.CN}` : undefined);
  return names ? `; it is for ${cleanServerText(names, 200)}` : '';
}

function certificateHint(code: string, target: Target): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `set IRC_HOST to a name the certificate is issued for (connecting by IP address needs the address in the certificate)`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID' || code === 'CERT_REVOKED') {
    return "the server's certificate must be renewed (ask its operators); IRC_TLS_VERIFY=false skips the check, unsafe";
  }
  const ca = target.ca
    ? `IRC_TLS_CA (${target.ca}) did not sign this certificate: point IRC_TLS_CA at the CA that did`
    : 'if the server uses a private CA or a self-signed certificate, set IRC_TLS_CA to that CA file (or to the certificate itself)';
  return `${ca}; IRC_TLS_VERIFY=false skips the check (unsafe: anyone on the path can read and change the traffic)`;
}

/** A CA, client certificate or key file that cannot be read at connect time. */
export function tlsFileUnreadable(variable: string, path: string, err: Error & { code?: string }): ConnectionFailure {
  return {
    cause: 'tls_files',
    message: `cannot read ${variable} (${path}): ${cleanServerText(err.message, 160)}`,
    hint: `check that ${variable} names a PEM file the bot's user can read`,
  };
}

/** SASL did not log the bot in while IRC_SASL_REQUIRED=true (the bot disconnects and retries). */
export function saslRequiredFailure(message: string, hint: string): ConnectionFailure {
  return { cause: 'sasl', message, hint };
}

/** NickServ did not confirm the login while IRC_SASL_REQUIRED=true (no SASL configured, IRC_NICKSERV_PASSWORD is). */
export function nickservFailure(message: string, hint: string): ConnectionFailure {
  return { cause: 'nickserv', message, hint };
}

/** Not a failure: the plain-text server advertised STS; the bot reconnects with TLS at once. */
export function stsUpgrade(target: Target, port: number): ConnectionFailure {
  return {
    cause: 'sts_upgrade',
    message: `${target.host}:${target.port} asks for TLS (IRCv3 sts): reconnecting with TLS to port ${port}`,
    hint: 'nothing to do; set IRC_TLS=true and IRC_PORT to that port to connect with TLS directly',
  };
}

/** The text of a server's `ERROR` line (the last parameter) as a failure. */
export function classifyServerError(text: string): ConnectionFailure {
  const clean = cleanServerText(text);
  if (/password|passwd/i.test(clean)) {
    return { cause: 'bad_password', message: `the server refused the password: ${clean}`, hint: 'check IRC_PASSWORD (empty when the server has none)' };
  }
  if (/\b[kgz]-?lined?\b|\bbanned\b|\bbans?\b|akill|you are not welcome/i.test(clean)) {
    return { cause: 'banned', message: `the server bans this connection: ${clean}`, hint: "ask the server's operators; reconnecting will not help until the ban is lifted" };
  }
  return { cause: 'server_error', message: `the server closed the link: ${clean}`, hint: 'the server says why above; most such errors clear up on reconnect' };
}

/** Numerics that end a registration: 464 (bad password), 465/466 (banned). Undefined for any other. */
export function classifyNumeric(numeric: string, text: string): ConnectionFailure | undefined {
  const clean = cleanServerText(text);
  if (numeric === '464') return { cause: 'bad_password', message: `the server refused the password (464): ${clean}`, hint: 'check IRC_PASSWORD (empty when the server has none)' };
  if (numeric === '465' || numeric === '466') {
    return { cause: 'banned', message: `the server bans this connection (${numeric}): ${clean}`, hint: "ask the server's operators; reconnecting will not help until the ban is lifted" };
  }
  return undefined;
}

/** Commands an IRC server sends without a prefix before registration completes. */
const UNPREFIXED = new Set(['NOTICE', 'PING', 'PONG', 'ERROR', 'CAP', 'AUTHENTICATE']);

/**
 * Whether a line received before registration could come from an IRC server:
 * a prefixed line (`:server …`, with optional tags) or one of the few
 * commands servers send unprefixed. `HTTP/1.1 400`, `SSH-2.0-…` or a Redis
 * `-ERR` do not.
 */
export function looksLikeIrc(line: string): boolean {
  let rest = line.replace(/\r?\n$/, '');
  if (rest.startsWith('@')) rest = rest.slice(rest.indexOf(' ') + 1);
  if (rest.startsWith(':')) return /^:\S+ (\d{3}|[A-Za-z]+)( |$)/.test(rest);
  const command = rest.split(' ', 1)[0];
  return UNPREFIXED.has(command.toUpperCase());
}

export function notIrc(line: string, target: Target): ConnectionFailure {
  return {
    cause: 'not_irc',
    message: `${target.host}:${target.port} is not an IRC server; it sent ${JSON.stringify(cleanServerText(line, 80))}`,
    hint: 'check IRC_HOST and IRC_PORT',
  };
}

/** First bytes of a TLS record (handshake 0x16 or alert 0x15, version 3.x): a TLS server answering plain text. */
export function looksLikeTlsRecord(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && (bytes[0] === 0x15 || bytes[0] === 0x16) && bytes[1] === 0x03;
}

export function plaintextOnTlsPort(target: Target): ConnectionFailure {
  return { cause: 'plaintext_on_tls_port', message: `${target.host}:${target.port} answered plain text with TLS`, hint: 'is IRC_TLS right? this port wants TLS: set IRC_TLS=true' };
}

export function tlsHandshakeTimeout(target: Target, ms: number): ConnectionFailure {
  return {
    cause: 'tls_plaintext',
    message: `no TLS handshake from ${target.host}:${target.port} within ${Math.round(ms / 1000)} s (a plain-text port stays silent)`,
    hint: TLS_HINT,
  };
}

export function registrationTimeout(target: Target, ms: number, receivedAny: boolean): ConnectionFailure {
  return {
    cause: 'registration_timeout',
    message: `${target.host}:${target.port} did not complete IRC registration within ${Math.round(ms / 1000)} s${receivedAny ? '' : ' and sent nothing'}`,
    hint: receivedAny ? 'the server is slow or stuck; check it is an IRC server' : `check IRC_HOST and IRC_PORT point at an IRC server; ${TLS_HINT}`,
  };
}

export function pingTimeout(seconds: number): ConnectionFailure {
  return { cause: 'ping_timeout', message: `no answer from the server for ${seconds} s`, hint: 'the network or server stalled; IRC_PING_TIMEOUT sets how long to wait' };
}

/** The server closed the socket without saying why. */
export function closedWithoutReason(target: Target, registered: boolean): ConnectionFailure {
  if (registered) return { cause: 'closed', message: `${target.host}:${target.port} closed the connection`, hint: 'the server or network dropped it; reconnecting' };
  return {
    cause: 'closed',
    message: `${target.host}:${target.port} closed the connection before registration`,
    hint: target.tls ? TLS_HINT : `a TLS-only port closes plain-text connections: ${TLS_HINT}`,
  };
}
