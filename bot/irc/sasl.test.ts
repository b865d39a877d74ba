import { saslFailureMessage } from './sasl';

describe('saslFailureMessage', () => {
  it('blames the credentials only when the server rejected them', () => {
    expect(saslFailureMessage('fail')).toMatch(/^SASL authentication failed: the server rejected the credentials; check IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD/);
    for (const reason of ['capability_missing', 'unsupported_mechanism', 'nick_locked', 'too_long']) {
      expect(saslFailureMessage(reason)).not.toMatch(/IRC_SASL_PASSWORD/);
    }
  });

  it('says when the server offers no SASL at all, e.g. services are down', () => {
    expect(saslFailureMessage('capability_missing')).toMatch(/offers no SASL \(services down or not linked\?\)/);
    expect(saslFailureMessage('unsupported_mechanism')).toMatch(/does not offer SASL PLAIN/);
    expect(saslFailureMessage('nick_locked')).toMatch(/locked or suspended/);
  });

  it('always starts alike, names unknown reasons, and says the bot goes on', () => {
    for (const reason of ['fail', 'nick_locked', 'capability_missing', 'unsupported_mechanism', 'too_long']) {
      expect(saslFailureMessage(reason)).toMatch(/^SASL authentication failed.*going on without an account/);
    }
    expect(saslFailureMessage('too_long')).toBe('SASL authentication failed (too_long); going on without an account');
  });
});
