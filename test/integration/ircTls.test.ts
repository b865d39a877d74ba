/**
 * TLS to IRC for real: a real InspIRCd 3 listening with m_ssl_gnutls on a
 * certificate made by openssl for this test (signed by a test CA, issued for
 * `localhost` only), with real Atheme services linked for SASL EXTERNAL by
 * client certificate (certfp, NickServ CERT ADD).
 *
 * - IRC_TLS_CA naming the test CA: the bot connects, and WHOIS shows it on a
 *   secure connection (671).
 * - Another CA, or no CA: the certificate is rejected with a message naming
 *   the cause and IRC_TLS_CA, retried with backoff and summarised.
 * - The IP address instead of the name: "the certificate does not name this
 *   host", what it is for, and to fix IRC_HOST.
 * - IRC_TLS_VERIFY=false connects and warns, at startup and on the connection.
 * - IRC_TLS_CERT/IRC_TLS_KEY: SASL EXTERNAL logs the bot in by the
 *   certificate's fingerprint; an unknown certificate is refused with a reason.
 */
import {
  addCertificate,
  AthemeServices,
  CertFiles,
  connectUser,
  createAccount,
  identify,
  InspircdServer,
  IrcUser,
  makeTestCa,
  ParsedLine,
  pemBody,
  startAtheme,
  TestCa,
  waitUntil,
} from '../harness';
import { LoggedBridge, startLoggedBridge, WARN } from '../support/logBridge';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

const ACCOUNT = 'certbot';
const ACCOUNT_PASSWORD = 'certbot-secret';

let stack: Stack;
let services: AthemeServices;
let ca: TestCa;
let otherCa: TestCa;
let serverCert: CertFiles;
let clientCert: CertFiles;
let strangerCert: CertFiles;
let watcher: IrcUser;
let tlsPort: number;
const users: IrcUser[] = [];
const bots: LoggedBridge[] = [];

function env(nick: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    IRC_HOST: 'localhost',
    IRC_PORT: String(tlsPort),
    IRC_TLS: 'true',
    REDIS_URL: stack.redis.url,
    IRC_NICK: nick,
    IRC_CHANNELS: '#tls',
    ZEN_NAMESPACE: nick,
    IRC_RECONNECT_MIN_MS: '200',
    IRC_RECONNECT_MAX_MS: '1000',
    ...extra,
  };
}

async function bot(nick: string, extra: Record<string, string>, ready = true): Promise<LoggedBridge> {
  // At trace, the most verbose level: the key's contents must not show up even there.
  const b = await startLoggedBridge(env(nick, extra), { ready, level: 'trace' });
  bots.push(b);
  return b;
}

const whois = (nick: string): Promise<ParsedLine[]> => watcher.whois(nick);

beforeAll(async () => {
  ca = makeTestCa('zenrelay test CA');
  otherCa = makeTestCa('some other CA');
  serverCert = ca.serverCert('server', ['localhost']);
  clientCert = ca.clientCert('certbot', ACCOUNT);
  strangerCert = otherCa.clientCert('stranger', 'stranger');
  stack = await startStack({ irc: 'inspircd', inspircd: { services: {}, tls: serverCert }, startBridge: false });
  const server = stack.irc as InspircdServer;
  if (!server.services || server.tlsPort === undefined) throw new Error('InspIRCd was started without services or TLS');
  tlsPort = server.tlsPort;
  services = await startAtheme({ link: server.services });
  await createAccount(stack.irc.host, stack.irc.port, ACCOUNT, ACCOUNT_PASSWORD);
  const owner = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'certowner' });
  users.push(owner);
  await identify(owner, ACCOUNT, ACCOUNT_PASSWORD);
  await addCertificate(owner, clientCert.fingerprint);
  watcher = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'watcher', caps: ['extended-join'] });
  users.push(watcher);
  await watcher.join('#tls');
});

afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

afterAll(async () => {
  for (const u of users) u.destroy();
  await services?.stop();
  await stack?.stop();
});

describe('IRC_TLS_CA', () => {
  it('verifies the server certificate against the given CA: the bot is on IRC over TLS (WHOIS 671)', async () => {
    const b = await bot('tlsgood', { IRC_TLS_CA: ca.certFile });
    const lines = await whois('tlsgood');
    expect(lines.find((l) => l.command === '671')?.params[2]).toMatch(/secure connection/i);
    expect(b.log()).toContainEqual(expect.objectContaining({ msg: 'connecting to IRC', tls: true, port: tlsPort }));
    expect(b.log().filter((e) => e.level >= WARN && /certificate|IRC_TLS_VERIFY/.test(e.msg))).toEqual([]);
  });

  it('with another CA: rejects the certificate, names IRC_TLS_CA and its file, retries with backoff and summarises', async () => {
    const b = await bot('tlswrong', { IRC_TLS_CA: otherCa.certFile }, false);
    const first = await b.waitForLog((e) => e.cause === 'certificate', 20000, 'a certificate failure');
    expect(first.level).toBe(WARN);
    expect(first.msg).toMatch(new RegExp(`^IRC: TLS certificate of localhost:${tlsPort} rejected: .*\\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\)`));
    expect(first.hint).toContain(`IRC_TLS_CA (${otherCa.certFile}) did not sign this certificate`);
    await waitUntil(() => b.reconnects() >= 4, 20000, 'four reconnect attempts');
    // One full line, not one per attempt.
    expect(b.log().filter((e) => e.cause === 'certificate').length).toBeLessThan(b.reconnects());
    expect(b.bridge.status()).toMatchObject({ ircRegistered: false, redis: true });
    const seen = watcher.lines.some((l) => l.command === 'JOIN' && l.nick === 'tlswrong');
    expect(seen).toBe(false);
  });

  it('with no CA: a private CA is not trusted, and the hint says to set IRC_TLS_CA', async () => {
    const b = await bot('tlsnoca', {}, false);
    const first = await b.waitForLog((e) => e.cause === 'certificate', 20000, 'a certificate failure');
    expect(first.hint).toMatch(/set IRC_TLS_CA to that CA file/);
  });

  it('connecting by IP address to a certificate for a name: says the certificate does not name this host, and what it is for', async () => {
    const b = await bot('tlsbyip', { IRC_HOST: '127.0.0.1', IRC_TLS_CA: ca.certFile }, false);
    const first = await b.waitForLog((e) => e.cause === 'certificate', 20000, 'a certificate failure');
    expect(first.msg).toContain('the certificate does not name this host (ERR_TLS_CERT_ALTNAME_INVALID); it is for DNS:localhost');
    expect(first.hint).toMatch(/set IRC_HOST to a name the certificate is issued for/);
  });
});

describe('IRC_TLS_VERIFY=false', () => {
  it('connects without checking, and says so loudly: at startup and on the connection', async () => {
    const b = await bot('tlsnoverify', { IRC_TLS_VERIFY: 'false' });
    const warnings = b.log().filter((e) => e.level === WARN && /IRC_TLS_VERIFY=false/.test(e.msg));
    expect(warnings.map((e) => e.msg)).toEqual([
      expect.stringMatching(/^IRC_TLS_VERIFY=false: the IRC server's TLS certificate is NOT checked/),
      expect.stringMatching(/^connected to IRC over TLS WITHOUT checking the server certificate/),
    ]);
    expect((await whois('tlsnoverify')).some((l) => l.command === '671')).toBe(true);
  });
});

describe('SASL EXTERNAL (IRC_TLS_CERT, IRC_TLS_KEY)', () => {
  it('logs in by the client certificate before joining: the JOIN carries the account, WHOIS shows it, Atheme logs EXTERNAL', async () => {
    const since = watcher.mark();
    const b = await bot('extbot', { IRC_TLS_CA: ca.certFile, IRC_TLS_CERT: clientCert.certFile, IRC_TLS_KEY: clientCert.keyFile, IRC_SASL_REQUIRED: 'true' });
    const join = await watcher.waitFor((l) => l.command === 'JOIN' && l.nick === 'extbot', 10000, since);
    expect(join.params[1]).toBe(ACCOUNT);
    const lines = await whois('extbot');
    expect(lines.find((l) => l.command === '330')?.params[2]).toBe(ACCOUNT);
    // InspIRCd shows the certificate fingerprint it passed to the services.
    expect(lines.some((l) => l.command === '276' && l.params.join(' ').includes(clientCert.fingerprint))).toBe(true);
    await waitUntil(() => new RegExp(`SaslServ ${ACCOUNT}/\\S+:extbot!\\S+ LOGIN \\(EXTERNAL\\)`).test(services.log()), 5000, `Atheme to log the EXTERNAL login\n${services.log()}`);
    expect(b.log()).toContainEqual(expect.objectContaining({ msg: 'starting', sasl: 'EXTERNAL' }));
    expect(b.log()).toContainEqual(expect.objectContaining({ msg: 'logged in to services', account: ACCOUNT }));
    // The key's contents never reach the log (its path may).
    expect(b.text()).not.toContain(pemBody(clientCert.keyFile).slice(0, 40));
  });

  it('with a certificate no account knows and IRC_SASL_REQUIRED: refuses to join, says the certificate was rejected, and retries', async () => {
    const since = watcher.mark();
    const b = await bot('strangebot', { IRC_TLS_CA: ca.certFile, IRC_TLS_CERT: strangerCert.certFile, IRC_TLS_KEY: strangerCert.keyFile, IRC_SASL_REQUIRED: 'true' }, false);
    const failure = await b.waitForLog((e) => e.cause === 'sasl', 20000, 'a SASL failure');
    expect(failure.msg).toMatch(/SASL EXTERNAL did not log the bot in: the server rejected the client certificate \(IRC_TLS_CERT\)/);
    expect(failure.hint).toMatch(/CERT ADD/);
    await waitUntil(() => b.reconnects() >= 2, 20000, 'reconnect attempts');
    expect(watcher.lines.slice(since).some((l) => l.command === 'JOIN' && l.nick === 'strangebot')).toBe(false);
  });
});
