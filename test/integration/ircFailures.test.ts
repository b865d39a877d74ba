/**
 * Every way an IRC connection can fail names its cause and the fix, against
 * a real listener each: a closed port, a name under `.invalid`, a TCP server
 * that is not IRC (answers HTTP, or says nothing), a TLS server met with
 * plain text and with TLS (a self-signed certificate made by openssl), a
 * plain-text ngircd met with TLS, and ngircd with a server password. And a
 * failure that repeats is logged once, not once per attempt.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import pino from 'pino';
import { IrcConnection, IrcConnectionOptions } from '../../bot/irc/ircConnection';
import { connectUser, freePort, IrcServer, makeTempDir, removeTempDir, startNgircd, waitUntil } from '../harness';

jest.setTimeout(60000);

type Entry = { level: number; msg: string; cause?: string; [k: string]: unknown };

let running: IrcConnection | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** Connects with `options` and resolves with the warn lines once the first attempt failed. */
async function firstFailure(options: Partial<IrcConnectionOptions>): Promise<{ warn: Entry; all: Entry[] }> {
  const all: Entry[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void all.push(JSON.parse(line)) });
  const conn = new IrcConnection(
    { host: '127.0.0.1', port: 1, tls: false, tlsVerify: true, nick: 'zenbot', username: 'zen', realname: 'zen', channels: [], reconnectMinMs: 60_000, reconnectMaxMs: 60_000, pingTimeoutSeconds: 60, ...options },
    log,
  );
  running = conn;
  const disconnected = new Promise<void>((resolve) => conn.once('disconnected', () => resolve()));
  conn.start();
  await disconnected;
  const warns = all.filter((e) => e.level === 40);
  expect(warns).toHaveLength(1);
  return { warn: warns[0], all };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('plain TCP listeners', () => {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });
  function server(onConnection: (socket: Socket) => void): Server {
    const s = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    servers.push(s);
    return s;
  }

  it('a closed port: connection refused, naming host:port', async () => {
    const port = await freePort();
    const { warn } = await firstFailure({ port });
    expect(warn.cause).toBe('refused');
    expect(warn.msg).toContain(`connection refused by 127.0.0.1:${port}`);
    expect(warn.msg).toContain('IRC_HOST and IRC_PORT');
  });

  it('a name that does not resolve: names the name', async () => {
    const { warn } = await firstFailure({ host: 'zenrelay-nowhere.invalid', port: 6667 });
    expect(warn.cause).toBe('dns');
    expect(warn.msg).toContain('"zenrelay-nowhere.invalid" does not resolve');
  });

  it('a server that answers HTTP: not IRC, at its first line, long before the registration timeout', async () => {
    const port = await listen(server((socket) => socket.once('data', () => socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'))));
    const started = Date.now();
    const { warn } = await firstFailure({ port, registrationTimeoutMs: 45_000 });
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(warn.cause).toBe('not_irc');
    expect(warn.msg).toContain('"HTTP/1.1 400 Bad Request"');
  });

  it('a server that says nothing: registration timeout, and it says so', async () => {
    const port = await listen(server(() => undefined));
    const { warn } = await firstFailure({ port, registrationTimeoutMs: 1500 });
    expect(warn.cause).toBe('registration_timeout');
    expect(warn.msg).toContain('sent nothing');
    expect(warn.msg).toContain('IRC_TLS');
  });

  it('TLS against a silent plain-text port fails at the handshake timeout with "is IRC_TLS right?"', async () => {
    const port = await listen(server(() => undefined));
    const { warn } = await firstFailure({ port, tls: true, tlsHandshakeTimeoutMs: 1500, registrationTimeoutMs: 45_000 });
    expect(warn.cause).toBe('tls_plaintext');
    expect(warn.msg).toContain('is IRC_TLS right?');
  });

  it('a refused port retried many times is logged once, not once per attempt', async () => {
    const port = await freePort();
    const all: Entry[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void all.push(JSON.parse(line)) });
    const conn = new IrcConnection(
      { host: '127.0.0.1', port, tls: false, tlsVerify: true, nick: 'zenbot', username: 'zen', realname: 'zen', channels: [], reconnectMinMs: 10, reconnectMaxMs: 20, pingTimeoutSeconds: 60 },
      log,
    );
    running = conn;
    let attempts = 0;
    conn.on('reconnecting', () => attempts++);
    conn.start();
    await waitUntil(() => attempts >= 8, 20000, '8 failed attempts');
    const warns = all.filter((e) => e.level >= 40);
    expect(warns).toHaveLength(1);
    expect(warns[0].cause).toBe('refused');
    // Only the first attempt says "connecting" at info; the rest are at debug.
    expect(all.filter((e) => e.msg === 'connecting to IRC')).toHaveLength(1);
  });
});

describe('a TLS server with a self-signed certificate', () => {
  let dir: string;
  let port: number;
  const tlsServer = () => {
    const s = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (socket) => socket.on('error', () => undefined));
    s.on('tlsClientError', () => undefined);
    return s;
  };
  let server: ReturnType<typeof tlsServer>;

  beforeAll(async () => {
    dir = makeTempDir('tls');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=irc.test'], { stdio: 'ignore' });
    server = tlsServer();
    port = await listen(server);
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    removeTempDir(dir);
  });

  it('plain text against it: "is IRC_TLS right?", at once', async () => {
    const { warn } = await firstFailure({ port, registrationTimeoutMs: 45_000 });
    // Node's TLS server just closes; a server that answers with a TLS alert is recognised by its bytes.
    expect(['plaintext_on_tls_port', 'closed']).toContain(warn.cause);
    expect(warn.msg).toContain('before registration');
    expect(warn.msg).toContain('is IRC_TLS right?');
  });

  it('TLS with verification: names the failed certificate check and IRC_TLS_VERIFY', async () => {
    const { warn } = await firstFailure({ port, tls: true });
    expect(warn.cause).toBe('certificate');
    expect(warn.msg).toContain('self-signed');
    expect(warn.msg).toContain('IRC_TLS_VERIFY=false');
  });
});

describe('ngircd', () => {
  let irc: IrcServer;
  beforeAll(async () => {
    irc = await startNgircd({ password: 'letmein', operator: { name: 'op', password: 'oppass' } });
  });
  afterAll(async () => {
    await irc?.stop();
  });

  it('a wrong server password: "check IRC_PASSWORD", the server text without CR/LF', async () => {
    const { warn } = await firstFailure({ port: irc.port, password: 'wrong' });
    expect(warn.cause).toBe('bad_password');
    expect(warn.msg).toContain('check IRC_PASSWORD');
    expect(warn.msg).not.toMatch(/[\r\n]/);
  });

  it('a K-line: banned, and reconnecting will not help', async () => {
    const oper = await connectUser({ host: irc.host, port: irc.port, nick: 'oper', password: 'letmein' });
    try {
      oper.send('OPER op oppass');
      await oper.waitFor((l) => l.command === '381');
      oper.send('KLINE *!~banned@* 600 :spamming');
      oper.send('STATS k');
      await oper.waitFor((l) => l.command === '216' && l.params.includes('*!~banned@*'));
      const { warn } = await firstFailure({ port: irc.port, password: 'letmein', username: 'banned' });
      expect(warn.cause).toBe('banned');
      expect(warn.msg).toContain('(K-Line)');
      expect(warn.msg).toContain('reconnecting will not help');
    } finally {
      oper.destroy();
    }
  });

  it('the right password registers', async () => {
    const conn = new IrcConnection(
      { host: irc.host, port: irc.port, tls: false, tlsVerify: true, password: 'letmein', nick: 'zenbot', username: 'zen', realname: 'zen', channels: [], reconnectMinMs: 60_000, reconnectMaxMs: 60_000, pingTimeoutSeconds: 60 },
      pino({ level: 'silent' }),
    );
    running = conn;
    const registered = new Promise<string>((resolve) => conn.once('registered', ({ nick }) => resolve(nick)));
    conn.start();
    expect(await registered).toBe('zenbot');
  });

  it('an error reply names its target and the command that caused it', async () => {
    const all: Entry[] = [];
    const conn = new IrcConnection(
      { host: irc.host, port: irc.port, tls: false, tlsVerify: true, password: 'letmein', nick: 'zenbot', username: 'zen', realname: 'zen', channels: [], reconnectMinMs: 60_000, reconnectMaxMs: 60_000, pingTimeoutSeconds: 60 },
      pino({ level: 'info' }, { write: (line: string) => void all.push(JSON.parse(line)) }),
    );
    running = conn;
    await new Promise<void>((resolve) => {
      conn.once('ready', () => resolve());
      conn.start();
    });
    conn.writeLine('PRIVMSG Nobody :are you there?');
    await waitUntil(() => all.some((e) => e.error === 'no_such_nick'), 10000, 'the 401 reply to be logged');
    expect(all.find((e) => e.error === 'no_such_nick')).toMatchObject({ level: 40, target: 'Nobody', command: 'PRIVMSG', msg: 'IRC error reply to PRIVMSG for Nobody' });
  });

  it('TLS against its plain-text port fails fast with "is IRC_TLS right?"', async () => {
    const started = Date.now();
    const { warn } = await firstFailure({ port: irc.port, password: 'letmein', tls: true, registrationTimeoutMs: 45_000 });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(warn.cause).toMatch(/^tls_/);
    expect(warn.msg).toContain('is IRC_TLS right?');
  });
});
