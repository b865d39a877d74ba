/**
 * SASL, the pure part: which mechanism the settings ask for, and what the
 * bot says when SASL does not log it in, by irc-framework's `sasl failed`
 * reason. Only a rejection (`fail`, `nick_locked`) points at the
 * credentials (IRC_SASL_ACCOUNT / IRC_SASL_PASSWORD for PLAIN, the client
 * certificate for EXTERNAL); when the server offers no SASL (e.g. services
 * are down or not linked) the credentials are not to blame.
 *
 * Without IRC_SASL_REQUIRED the bot goes on without an account; with it the
 * bot disconnects and retries with backoff (and never joins unidentified).
 */

export type SaslMechanism = 'PLAIN' | 'EXTERNAL';

/** What the settings ask for: the explicit mechanism, else EXTERNAL with a client certificate and no password, else PLAIN with an account. */
export function chooseMechanism(settings: {
  mechanism?: SaslMechanism;
  account?: string;
  password?: string;
  clientCert?: string;
}): SaslMechanism | undefined {
  if (settings.mechanism) return settings.mechanism;
  if (settings.account !== undefined && settings.password !== undefined) return 'PLAIN';
  if (settings.clientCert !== undefined) return 'EXTERNAL';
  return undefined;
}

export interface SaslFailureText {
  /** Why, in a sentence that names the setting to check. */
  why: string;
  /** What to do. */
  hint: string;
}

/** Why SASL failed with irc-framework reason `reason`, for `mechanism`; `offered` is the server's mechanism list when known. */
export function saslFailureText(reason: string, mechanism: SaslMechanism = 'PLAIN', offered?: string): SaslFailureText {
  switch (reason) {
    case 'fail':
      return mechanism === 'EXTERNAL'
        ? {
            why: 'the server rejected the client certificate (IRC_TLS_CERT)',
            hint: "add the certificate's fingerprint to the bot's account (Atheme/Anope: /msg NickServ CERT ADD <fingerprint>), and connect with TLS",
          }
        : { why: 'the server rejected the credentials; check IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD', hint: 'check IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD' };
    case 'nick_locked':
      return { why: 'the account is locked or suspended (IRC_SASL_ACCOUNT)', hint: "ask the network's services staff" };
    case 'capability_missing':
      return { why: 'the server offers no SASL (services down or not linked?)', hint: 'wait for the services to come back, or use IRC_NICKSERV_PASSWORD on a network without SASL' };
    case 'unsupported_mechanism':
      return {
        why: `the server does not offer SASL ${mechanism}${offered ? ` (it offers ${offered})` : ''}`,
        hint: mechanism === 'EXTERNAL' ? 'use IRC_SASL_MECHANISM=PLAIN with IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD' : 'set IRC_SASL_MECHANISM to one the server offers',
      };
    default:
      return { why: `(${reason})`, hint: 'see the server reply in this log line' };
  }
}

/** The log message for a SASL failure with irc-framework reason `reason` (the bot goes on without an account). */
export function saslFailureMessage(reason: string, mechanism: SaslMechanism = 'PLAIN', offered?: string): string {
  const prefix = 'SASL authentication failed';
  const { why } = saslFailureText(reason, mechanism, offered);
  const after = reason === 'capability_missing' ? 'going on without an account until the next reconnect' : 'going on without an account';
  return why.startsWith('(') ? `${prefix} ${why}; ${after}` : `${prefix}: ${why}; ${after}`;
}
