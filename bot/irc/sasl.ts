/**
 * What the bot logs when SASL does not log it in, by irc-framework's
 * `sasl failed` reason: only a rejection (`fail`, `nick_locked`) points at
 * IRC_SASL_ACCOUNT / IRC_SASL_PASSWORD; when the server offers no SASL (e.g.
 * services are down or not linked) the credentials are not to blame. In every
 * case the bot goes on without an account.
 */

/** The log message for a SASL failure with irc-framework reason `reason`. */
export function saslFailureMessage(reason: string): string {
  const prefix = 'SASL authentication failed';
  const after = 'going on without an account';
  switch (reason) {
    case 'fail':
      return `${prefix}: the server rejected the credentials; check IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD; ${after}`;
    case 'nick_locked':
      return `${prefix}: the account is locked or suspended (IRC_SASL_ACCOUNT); ${after}`;
    case 'capability_missing':
      return `${prefix}: the server offers no SASL (services down or not linked?); ${after} until the next reconnect`;
    case 'unsupported_mechanism':
      return `${prefix}: the server does not offer SASL PLAIN; ${after}`;
    default:
      return `${prefix} (${reason}); ${after}`;
  }
}
