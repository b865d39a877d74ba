import { chooseMechanism, saslFailureMessage, saslFailureText } from './sasl';

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

describe('saslFailureMessage for EXTERNAL', () => {
  it('blames the client certificate, not a password, and names what the server offers', () => {
    expect(saslFailureMessage('fail', 'EXTERNAL')).toMatch(/rejected the client certificate \(IRC_TLS_CERT\)/);
    expect(saslFailureMessage('fail', 'EXTERNAL')).not.toMatch(/IRC_SASL_PASSWORD/);
    expect(saslFailureMessage('unsupported_mechanism', 'EXTERNAL', 'PLAIN')).toMatch(/does not offer SASL EXTERNAL \(it offers PLAIN\)/);
  });
});

describe('saslFailureText', () => {
  it('gives a hint for every reason, pointing at NickServ when there is no SASL', () => {
    expect(saslFailureText('capability_missing').hint).toMatch(/IRC_NICKSERV_PASSWORD/);
    expect(saslFailureText('fail', 'EXTERNAL').hint).toMatch(/CERT ADD/);
    expect(saslFailureText('unsupported_mechanism', 'EXTERNAL').hint).toMatch(/IRC_SASL_MECHANISM=PLAIN/);
    expect(saslFailureText('weird').hint).not.toBe('');
  });
});

describe('chooseMechanism', () => {
  it('takes the explicit mechanism, else PLAIN with an account, else EXTERNAL with a certificate, else none', () => {
    expect(chooseMechanism({ mechanism: 'EXTERNAL', account: 'a', password: 'p' })).toBe('EXTERNAL');
    expect(chooseMechanism({ account: 'a', password: 'p', clientCert: '/c.pem' })).toBe('PLAIN');
    expect(chooseMechanism({ clientCert: '/c.pem' })).toBe('EXTERNAL');
    expect(chooseMechanism({})).toBeUndefined();
  });
});
