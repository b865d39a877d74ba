import fc from 'fast-check';
import {
  classifyNumeric,
  classifyServerError,
  classifySocketError,
  cleanServerText,
  closedWithoutReason,
  looksLikeIrc,
  looksLikeTlsRecord,
  registrationTimeout,
} from './connectionFailure';

const plain = { host: 'irc.example.org', port: 6667, tls: false };
const tls = { host: 'irc.example.org', port: 6697, tls: true };

function socketError(code: string, message = code): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

describe('classifySocketError', () => {
  it('names host:port for a refused connection and points at IRC_HOST/IRC_PORT', () => {
    const f = classifySocketError(socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6667'), plain);
    expect(f.cause).toBe('refused');
    expect(f.message).toContain('irc.example.org:6667');
    expect(f.hint).toMatch(/IRC_HOST and IRC_PORT/);
  });

  it.each(['ENOTFOUND', 'EAI_AGAIN'])('names the host that does not resolve (%s)', (code) => {
    const f = classifySocketError(socketError(code), { ...plain, host: 'nope.invalid' });
    expect(f.cause).toBe('dns');
    expect(f.message).toContain('"nope.invalid"');
    expect(f.hint).toContain('IRC_HOST');
  });

  it('says which certificate check failed and how to get past it', () => {
    const self = classifySocketError(socketError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), tls);
    expect(self).toMatchObject({ cause: 'certificate' });
    expect(self.message).toContain('self-signed');
    expect(self.hint).toContain('IRC_TLS_VERIFY=false');
    const name = classifySocketError(socketError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), tls);
    expect(name.message).toContain('does not name this host');
    expect(classifySocketError(socketError('CERT_HAS_EXPIRED'), tls).message).toContain('expired');
  });

  it('points at IRC_TLS_CA for an untrusted certificate, naming the CA file when one is set', () => {
    const none = classifySocketError(socketError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), tls);
    expect(none.hint).toMatch(/set IRC_TLS_CA to that CA file/);
    const wrong = classifySocketError(socketError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), { ...tls, ca: '/etc/zen/other-ca.pem' });
    expect(wrong).toMatchObject({ cause: 'certificate' });
    expect(wrong.hint).toContain('IRC_TLS_CA (/etc/zen/other-ca.pem) did not sign this certificate');
    expect(classifySocketError(socketError('SELF_SIGNED_CERT_IN_CHAIN'), { ...tls, ca: '/x.pem' }).hint).toContain('IRC_TLS_CA (/x.pem)');
  });

  it('names what a certificate is for when the host name does not match, and says to fix IRC_HOST', () => {
    const err = Object.assign(socketError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), { cert: { subjectaltname: 'DNS:irc.example.net' } });
    const f = classifySocketError(err, tls);
    expect(f.message).toContain('it is for DNS:irc.example.net');
    expect(f.hint).toMatch(/set IRC_HOST to a name the certificate is issued for/);
  });

  it('asks whether IRC_TLS is right when TLS meets a plain-text server', () => {
    const f = classifySocketError(socketError('ERR_SSL_WRONG_VERSION_NUMBER', 'C0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), tls);
    expect(f.cause).toBe('tls_plaintext');
    expect(f.hint).toContain('is IRC_TLS right?');
  });

  it('does not treat a lookup of an inherited name (constructor, __proto__) as a certificate check', () => {
    for (const code of ['constructor', '__proto__', 'toString']) expect(classifySocketError(socketError(code), plain).cause).toBe('closed');
  });
});

describe('classifyServerError and classifyNumeric', () => {
  it('turns a bad-password ERROR into "check IRC_PASSWORD", without CR/LF', () => {
    const f = classifyServerError('Access denied: Bad password?\r\n');
    expect(f.cause).toBe('bad_password');
    expect(f.hint).toContain('IRC_PASSWORD');
    expect(f.message).not.toMatch(/[\r\n]/);
    expect(f.message).toContain('Access denied: Bad password?');
  });

  it('recognises K-lines and bans', () => {
    expect(classifyServerError('Closing Link: zenbot[127.0.0.1] (K-lined: spam)').cause).toBe('banned');
    expect(classifyServerError('You are banned from this server').cause).toBe('banned');
    expect(classifyServerError('Access denied: "spamming" (K-Line)').cause).toBe('banned'); // ngircd
    expect(classifyServerError('Closing Link: 127.0.0.1 (G-Lined)').cause).toBe('banned');
    expect(classifyNumeric('465', 'You are banned from this server- spam')?.cause).toBe('banned');
    expect(classifyNumeric('464', 'Password incorrect')?.hint).toContain('IRC_PASSWORD');
    expect(classifyNumeric('433', 'Nickname is already in use')).toBeUndefined();
  });

  it('keeps any other ERROR text, cleaned', () => {
    const f = classifyServerError('Closing Link: zenbot (Server shutting down)');
    expect(f).toMatchObject({ cause: 'server_error' });
    expect(f.message).toContain('Server shutting down');
  });
});

describe('cleanServerText', () => {
  it('never returns control characters and stays bounded', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 1000 }), (text) => {
        const clean = cleanServerText(text);
        expect(clean).not.toMatch(/[\u0000-\u001f\u007f]/);
        expect(clean.length).toBeLessThanOrEqual(301);
      }),
    );
  });
});

describe('looksLikeIrc', () => {
  it.each([
    ':irc.test NOTICE * :*** Looking up your hostname',
    'NOTICE AUTH :*** Checking Ident',
    'PING :12345',
    'ERROR :Closing link',
    ':irc.test 001 zenbot :Welcome',
    '@time=2024-01-01T00:00:00Z :irc.test CAP * LS :sasl',
    ':irc.test 433 * zenbot :Nickname is already in use\r\n',
  ])('accepts %j', (line) => expect(looksLikeIrc(line)).toBe(true));

  it.each(['HTTP/1.1 400 Bad Request', 'SSH-2.0-OpenSSH_9.2p1', '-ERR unknown command', '+OK', 'hello there', '220 smtp.example ESMTP'])(
    'rejects %j',
    (line) => expect(looksLikeIrc(line)).toBe(false),
  );
});

it('recognises the first bytes of a TLS record', () => {
  expect(looksLikeTlsRecord(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02]))).toBe(true);
  expect(looksLikeTlsRecord(Buffer.from([0x16, 0x03, 0x03]))).toBe(true);
  expect(looksLikeTlsRecord(Buffer.from(':irc.test NOTICE'))).toBe(false);
});

it('hints at IRC_TLS when a port closes or stays silent before registration', () => {
  expect(closedWithoutReason(plain, false).hint).toContain('IRC_TLS');
  expect(registrationTimeout(plain, 30_000, false).message).toContain('within 30 s and sent nothing');
  expect(closedWithoutReason(plain, true).message).toBe('irc.example.org:6667 closed the connection');
});
