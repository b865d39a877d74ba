/**
 * Test certificates made with openssl: a CA of their own, a server
 * certificate it signs for 127.0.0.1 and localhost, and a client certificate
 * it signs (for servers that ask for one, like redis-server's
 * `tls-auth-clients`). Small EC keys, valid two days, files in `dir`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
  /** The CA's common name (default "zenrelay test CA"); also the file name prefix when `prefix` is unset. */
  caName?: string;
  /** File name prefix in `dir`, so that several sets can share a dir (default ""). */
  prefix?: string;
  /** Names the server certificate is valid for (default 127.0.0.1 and localhost). */
  serverNames?: string[];
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr || String(err)} (is openssl installed? apt-get install openssl)`);
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function san(name: string): string {
  return /^[\d.]+$/.test(name) || name.includes(':') ? `IP:${name}` : `DNS:${name}`;
}

/** Makes a CA and a server and a client certificate signed by it, in `dir`. */
export function makeCertificates(dir: string, options: MakeCertificatesOptions = {}): TestCertificates {
  const prefix = options.prefix ?? '';
  const file = (name: string) => join(dir, `${prefix}${name}`);
  const certs: TestCertificates = {
    dir,
    ca: file('ca.crt'),
    caKey: file('ca.key'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
  };
  const caName = options.caName ?? 'zenrelay test CA';
  openssl(['req', '-x509', ...EC_KEY, '-keyout', certs.caKey, '-out', certs.ca, '-days', '2', '-subj', `/CN=${caName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const sign = (name: string, cert: string, key: string, extensions: string) => {
    const csr = file(`${name}.csr`);
    const ext = file(`${name}.ext`);
    writeFileSync(ext, extensions);
    openssl(['req', ...EC_KEY, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
    openssl(['x509', '-req', '-in', csr, '-CA', certs.ca, '-CAkey', certs.caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  };
  const names = options.serverNames ?? ['127.0.0.1', 'localhost'];
  sign('server', certs.serverCert, certs.serverKey, `subjectAltName=${names.map(san).join(',')}\nextendedKeyUsage=serverAuth\n`);
  sign('client', certs.clientCert, certs.clientKey, 'extendedKeyUsage=clientAuth\n');
  return certs;
}
