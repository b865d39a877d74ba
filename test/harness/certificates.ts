/**
 * One CA with a server and a client certificate, as flat file paths (what
 * redis-server's --tls-* options and the REDIS_TLS_* settings take). Built
 * on testCerts.ts, which makes every test certificate with openssl.
 */
import { makeTestCa } from './testCerts';

export interface TestCertificates {
  readonly dir: string;
  /** The CA's certificate (PEM): what a client needs to trust the server. */
  readonly ca: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

export interface MakeCertificatesOptions {
  /** The CA's common name (default "zenrelay test CA"). */
  caName?: string;
  /** File name prefix in `dir`, so that several sets can share a dir (default ""). */
  prefix?: string;
  /** Names the server certificate is valid for (default 127.0.0.1 and localhost). */
  serverNames?: string[];
}

/** Makes a CA and a server and a client certificate signed by it, in `dir`. */
export function makeCertificates(dir: string, options: MakeCertificatesOptions = {}): TestCertificates {
  const ca = makeTestCa(options.caName ?? 'zenrelay test CA', { dir, prefix: options.prefix ?? '' });
  const server = ca.serverCert('server', options.serverNames ?? ['127.0.0.1', 'localhost']);
  const client = ca.clientCert('client', 'client');
  return { dir, ca: ca.certFile, caKey: ca.keyFile, serverCert: server.certFile, serverKey: server.keyFile, clientCert: client.certFile, clientKey: client.keyFile };
}
