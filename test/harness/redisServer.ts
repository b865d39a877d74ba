/**
 * A real redis-server on a free loopback port, with its own temp dir.
 *
 * persistence 'none' keeps data in memory only; 'aof' turns on the append-only
 * file with fsync on every write, so data survives restart() and even kill()
 * followed by restart() (durability tests).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { makeCertificates, type TestCertificates } from './certificates';
import { ManagedServer, waitForOutput } from './managedServer';
import { describeExit, type ServerProcess } from './process';
import { makeTempDir } from './tempDir';
import type { ServerHandle } from './types';
import { delay } from './waitFor';

export type RedisPersistence = 'none' | 'aof';

export interface StartRedisOptions {
  /** Default: a free port. */
  port?: number;
  /** Default 'none'. */
  persistence?: RedisPersistence;
  /** Data dir; default a fresh temp dir removed on stop(). A dir you pass is never removed. */
  dir?: string;
  /** More redis-server arguments, e.g. `['--replicaof', '127.0.0.1', '6379']` or `['--cluster-enabled', 'yes']`; `{port}` is replaced by the port. */
  args?: string[];
  /** Label in messages (default "redis"). */
  name?: string;
  /**
   * TLS only (`--port 0 --tls-port <port>`), with certificates made by openssl
   * (test/harness/certificates.ts) in `<dir>/tls`. `authClients` is
   * redis-server's `tls-auth-clients`: 'yes' (its default) asks every client
   * for a certificate signed by the CA, 'optional' checks one if given.
   */
  tls?: boolean | { authClients?: 'yes' | 'no' | 'optional' };
}

export interface RedisServer extends ServerHandle {
  /** redis://127.0.0.1:<port>, or rediss:// with `tls`. */
  readonly url: string;
  /** With `tls`: the CA that signed the server's certificate, and a client certificate it accepts. */
  readonly certificates: TestCertificates | undefined;
  readonly dir: string;
  readonly persistence: RedisPersistence;
}

/** Starts redis-server and resolves once it answers PING. */
export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisServer> {
  const persistence = opts.persistence ?? 'none';
  const ownedDir = opts.dir === undefined ? makeTempDir('redis') : undefined;
  const dir = opts.dir ?? (ownedDir as string);
  const tls = opts.tls === undefined || opts.tls === false ? undefined : { authClients: (opts.tls === true ? undefined : opts.tls.authClients) ?? 'yes' };
  let certificates: TestCertificates | undefined;
  if (tls) {
    const tlsDir = join(dir, 'tls');
    mkdirSync(tlsDir, { recursive: true });
    certificates = makeCertificates(tlsDir);
  }
  const managed = await ManagedServer.start(
    {
      name: opts.name ?? 'redis',
      ownedDir,
      portInUse: /Address already in use|Could not create server TCP listening socket/i,
      prepare: (port) => ({
        command: 'redis-server',
        args: [
          ...(certificates
            ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', certificates.serverCert, '--tls-key-file', certificates.serverKey,
                '--tls-ca-cert-file', certificates.ca, '--tls-auth-clients', tls?.authClients ?? 'yes']
            : ['--port', String(port)]),
          '--bind', '127.0.0.1',
          '--save', '',
          '--appendonly', persistence === 'aof' ? 'yes' : 'no',
          '--appendfsync', 'always',
          '--dir', dir,
          '--daemonize', 'no',
          '--logfile', '',
          ...(opts.args ?? []).map((a) => a.split('{port}').join(String(port))),
        ],
      }),
      ready: async (proc, port, timeoutMs) => {
        const deadline = Date.now() + timeoutMs;
        await waitForOutput(proc, /Ready to accept connections/, timeoutMs);
        await waitForPong(proc, port, deadline, certificates);
      },
    },
    opts.port,
  );
  return managed.handle({
    get url() {
      return `${certificates ? 'rediss' : 'redis'}://127.0.0.1:${managed.port}`;
    },
    certificates,
    dir,
    persistence,
  });
}

async function waitForPong(proc: ServerProcess, port: number, deadline: number, certificates?: TestCertificates): Promise<void> {
  let last = 'no reply yet';
  while (Date.now() < deadline) {
    const exit = proc.exitInfo();
    if (exit) throw new Error(`redis exited (${describeExit(exit)}) before answering PING`);
    try {
      last = await redisPing(port, Math.max(100, deadline - Date.now()), certificates);
      // A server with requirepass answers NOAUTH: it is up all the same.
      if (last === '+PONG' || last.startsWith('-NOAUTH')) return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await delay(50);
  }
  throw new Error(`redis did not answer PING with +PONG (last: ${last})`);
}

/**
 * Sends one PING over a raw socket (TLS with `certificates`, presenting their
 * client certificate) and resolves with the reply line (e.g. "+PONG", "-LOADING ...").
 */
export function redisPing(port: number, timeoutMs = 2000, certificates?: TestCertificates): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = certificates
      ? connectTls({ host: '127.0.0.1', port, ca: readFileSync(certificates.ca), cert: readFileSync(certificates.clientCert), key: readFileSync(certificates.clientKey) })
      : connect({ host: '127.0.0.1', port });
    const connectEvent = certificates ? 'secureConnect' : 'connect';
    let received = '';
    const finish = (err: Error | undefined, reply?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply ?? '');
    };
    const timer = setTimeout(() => finish(new Error('PING timed out')), timeoutMs);
    socket.setEncoding('utf8');
    socket.once(connectEvent, () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n');
      if (end >= 0) finish(undefined, received.slice(0, end));
    });
    socket.once('error', (err) => finish(err));
    socket.once('close', () => finish(new Error(`connection closed (received ${JSON.stringify(received)})`)));
  });
}
