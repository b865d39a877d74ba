/**
 * Test certificates made with the real `openssl` command: a CA, server
 * certificates it signs (for names and IP addresses), self-signed ones, and
 * client certificates (for SASL EXTERNAL / certfp). Everything lives in a
 * world-readable temp dir, since InspIRCd runs as nobody and reads the
 * server's key itself.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './tempDir';

export interface CertFiles {
  certFile: string;
  keyFile: string;
  /** SHA-256 fingerprint of the certificate, lowercase hex without colons (InspIRCd's certfp, Atheme's CERT ADD). */
  fingerprint: string;
}

export interface TestCa {
  /** The CA certificate: what IRC_TLS_CA points at. */
  certFile: string;
  keyFile: string;
  dir: string;
  /** A server certificate for `names` (DNS names and IP addresses), signed by this CA. */
  serverCert(label: string, names: string[]): CertFiles;
  /** A client certificate (CN `cn`), signed by this CA. */
  clientCert(label: string, cn: string): CertFiles;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr || String(err)} (is openssl installed? apt-get install openssl)`);
  }
}

function readable(...files: string[]): void {
  for (const f of files) chmodSync(f, 0o644);
}

export function fingerprint(certFile: string): string {
  const out = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  const hex = out.split('=')[1]?.trim();
  if (!hex) throw new Error(`openssl printed no fingerprint for ${certFile}: ${out}`);
  return hex.replace(/:/g, '').toLowerCase();
}

function subjectAltNames(names: string[]): string {
  return names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
}

export interface TestCaPlace {
  /** Where the files go (default: a fresh world-readable temp dir). */
  dir?: string;
  /** File name prefix, so that several CAs can share a dir (default ""). */
  prefix?: string;
}

/** A fresh CA named `name`, in its own temp dir unless `place` says where. */
export function makeTestCa(name = 'zenrelay test CA', place: TestCaPlace = {}): TestCa {
  const dir = place.dir ?? makeTempDir('certs', 0o755);
  const prefix = place.prefix ?? '';
  const certFile = join(dir, `${prefix}ca.pem`);
  const keyFile = join(dir, `${prefix}ca.key`);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  readable(certFile);
  let serial = 1;
  const sign = (label: string, cn: string, ext: string): CertFiles => {
    const key = join(dir, `${prefix}${label}.key`);
    const csr = join(dir, `${prefix}${label}.csr`);
    const cert = join(dir, `${prefix}${label}.pem`);
    const extFile = join(dir, `${prefix}${label}.ext`);
    writeFileSync(extFile, ext);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`], dir);
    openssl(['x509', '-req', '-in', csr, '-CA', certFile, '-CAkey', keyFile, '-set_serial', String(++serial), '-days', '2', '-out', cert, '-extfile', extFile], dir);
    readable(key, cert);
    return { certFile: cert, keyFile: key, fingerprint: fingerprint(cert) };
  };
  return {
    certFile,
    keyFile,
    dir,
    serverCert: (label, names) =>
      sign(label, names[0], `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${subjectAltNames(names)}\n`),
    clientCert: (label, cn) => sign(label, cn, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n'),
  };
}

/** A self-signed certificate for `names` (its own CA: IRC_TLS_CA may point at the certificate itself). */
export function makeSelfSigned(names: string[]): CertFiles {
  const dir = makeTempDir('certs', 0o755);
  const certFile = join(dir, 'self.pem');
  const keyFile = join(dir, 'self.key');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${names[0]}`,
    '-addext', `subjectAltName=${subjectAltNames(names)}`], dir);
  readable(certFile, keyFile);
  return { certFile, keyFile, fingerprint: fingerprint(certFile) };
}

/** The PEM text of a file (for assertions that key contents never reach a log). */
export function pemBody(file: string): string {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('-----')).join('');
}
