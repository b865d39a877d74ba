/**
 * A real InspIRCd 3 on a free loopback port, behaving like a big network on
 * flooding: no fakelag, so a client whose command penalty passes `threshold`
 * is disconnected with "Excess Flood".
 *
 * InspIRCd refuses to run as root, so it runs as nobody (setpriv) with a
 * `<path>` block pointing every dir into a world-writable temp dir. IRCv3
 * modules are loaded (cap, server-time, message-tags, account-tag, echo-message,
 * msgid, labeled-response, batch, cap-notify, ...). account-tag and
 * account-notify are advertised but no one can log in unless `services` is
 * set: then a services server (atheme.ts) can link on `services.port`.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedServer, waitForOutput } from './managedServer';
import { freePort } from './ports';
import { waitForPort } from './process';
import { makeTempDir } from './tempDir';
import type { IrcServer } from './types';

export interface StartInspircdOptions {
  /** Default: a free port. */
  port?: number;
  /**
   * `<connect threshold>`: command penalty (about one per command) a client
   * may build up before it is killed with "Excess Flood". Default 10.
   */
  floodThreshold?: number;
  /** `<connect commandrate>`: penalty drained per second, in millicommands. Default 1000 (1 line/s). */
  commandRate?: number;
  /** Fakelag instead of killing flooders (then they die of "RecvQ exceeded" instead). Default false. */
  fakelag?: boolean;
  /** Server name; default "irc.inspircd.test". */
  serverName?: string;
  /** More modules to load, by name without "m_" (see /usr/lib/inspircd/modules). */
  extraModules?: string[];
  /** Raw config appended at the end. */
  extraConfig?: string;
  /** Server password every client must send (PASS), in `<connect password>`; default none. */
  password?: string;
  /**
   * Accept a services server (Atheme, see atheme.ts): a `<bind type="servers">`
   * on another free loopback port, `<link>`, `<uline>`, and the spanningtree,
   * sasl (`<sasl target>`), svshold, chghost and cban modules.
   */
  services?: { name?: string; password?: string };
  /**
   * A TLS client port too (m_ssl_gnutls, with m_sslinfo so certfp reaches
   * WHOIS and services): `certFile`/`keyFile` are the server's certificate
   * (world-readable: InspIRCd runs as nobody). The port is `tlsPort`.
   */
  tls?: { certFile: string; keyFile: string };
  /**
   * IRCv3 STS (m_ircv3_sts, needs `tls`): advertises `port=<tlsPort>` on the
   * plain-text port and `duration` on TLS connections whose SNI matches `host`
   * (a glob; the client must connect by name, SNI is never sent for an IP).
   */
  sts?: { host: string; duration: string };
}

/** Where and how a services server links to the test InspIRCd. */
export interface ServicesLink {
  /** The services server's name (`<link name>`, `<uline>`, `<sasl target>`). */
  name: string;
  password: string;
  /** The InspIRCd server-to-server port on 127.0.0.1. */
  port: number;
  /** The InspIRCd's own server name (Atheme's `uplink` name). */
  uplinkName: string;
}

/** A test InspIRCd; `services` is set when it was started with the `services` option. */
export interface InspircdServer extends IrcServer {
  readonly services?: ServicesLink;
  /** The TLS client port (with the `tls` option). */
  readonly tlsPort?: number;
}

/** Server-linking modules loaded with the `services` option. */
export const INSPIRCD_SERVICES_MODULES: readonly string[] = ['spanningtree', 'sasl', 'svshold', 'chghost', 'cban'];

/** IRCv3 and helper modules loaded into every test InspIRCd. */
export const INSPIRCD_MODULES: readonly string[] = [
  'cap',
  'ircv3',
  'ircv3_accounttag',
  'ircv3_batch',
  'ircv3_capnotify',
  'ircv3_chghost',
  'ircv3_ctctags',
  'ircv3_echomessage',
  'ircv3_invitenotify',
  'ircv3_labeledresponse',
  'ircv3_msgid',
  'ircv3_servertime',
  'namesx',
  'uhnames',
  'services_account',
];

/** The inspircd.conf the harness writes (exported for reference and tests). */
export function inspircdConfig(dir: string, port: number, opts: StartInspircdOptions = {}, link?: ServicesLink, tlsPort?: number): string {
  const tlsModules = opts.tls ? ['ssl_gnutls', 'sslinfo', ...(opts.sts ? ['ircv3_sts'] : [])] : [];
  const modules = [...INSPIRCD_MODULES, ...(link ? INSPIRCD_SERVICES_MODULES : []), ...tlsModules, ...(opts.extraModules ?? [])];
  return [
    '<config format="xml">',
    `<path configdir="${dir}" datadir="${dir}" logdir="${dir}" runtimedir="${dir}">`,
    `<pid file="${join(dir, 'inspircd.pid')}">`,
    `<server name="${opts.serverName ?? 'irc.inspircd.test'}" description="zenrelay test server" network="ZenTest">`,
    '<admin name="zenrelay test harness" nick="admin" email="nobody@example.invalid">',
    `<bind address="127.0.0.1" port="${port}" type="clients">`,
    `<files motd="${join(dir, 'motd.txt')}">`,
    '<connect name="main" allow="*"',
    '         timeout="20" pingfreq="120"',
    `         threshold="${opts.floodThreshold ?? 10}"`,
    `         commandrate="${opts.commandRate ?? 1000}"`,
    `         fakelag="${opts.fakelag ? 'yes' : 'no'}"`,
    '         localmax="1000" globalmax="1000" limit="5000" maxchans="100"',
    '         hardsendq="1M" softsendq="10240" recvq="10K"',
    `         resolvehostnames="no" useident="no"${opts.password !== undefined ? ` password="${opts.password}"` : ''}>`,
    '<dns server="127.0.0.1" timeout="1">',
    '<options prefixquit="Quit: " syntaxhints="no" announcets="yes">',
    '<security hideserver="" userstats="Pu">',
    '<performance quietbursts="yes" softlimit="1024" somaxconn="128">',
    '<limits maxnick="30" maxchan="60" maxquit="300" maxtopic="330">',
    '<channels users="100" opers="100">',
    `<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" flush="1" target="${join(dir, 'ircd.log')}">`,
    ...modules.map((name) => `<module name="${name}">`),
    ...(link ? servicesLinkConfig(link) : []),
    ...(opts.tls && tlsPort !== undefined ? tlsConfig(opts.tls, tlsPort, opts.sts) : []),
    opts.extraConfig ?? '',
    '',
  ].join('\n');
}

function tlsConfig(tls: { certFile: string; keyFile: string }, tlsPort: number, sts: StartInspircdOptions['sts']): string[] {
  return [
    // requestclientcert: a client certificate (if any) gives the user a certfp, for SASL EXTERNAL.
    `<sslprofile name="zentls" provider="gnutls" certfile="${tls.certFile}" keyfile="${tls.keyFile}" hash="sha256" requestclientcert="yes" priority="NORMAL" dhfile="">`,
    `<bind address="127.0.0.1" port="${tlsPort}" type="clients" sslprofile="zentls">`,
    ...(sts ? [`<sts host="${sts.host}" port="${tlsPort}" duration="${sts.duration}" preload="no">`] : []),
  ];
}

function servicesLinkConfig(link: ServicesLink): string[] {
  return [
    `<bind address="127.0.0.1" port="${link.port}" type="servers">`,
    `<link name="${link.name}" ipaddr="127.0.0.1" port="${link.port}" allowmask="127.0.0.0/8" sendpass="${link.password}" recvpass="${link.password}">`,
    `<uline server="${link.name}" silent="yes">`,
    `<sasl target="${link.name}" requiressl="no">`,
  ];
}

/**
 * Starts InspIRCd and resolves once it listens. With `services`, a clash on
 * the server-to-server port is retried with another port.
 */
export async function startInspircd(opts: StartInspircdOptions = {}): Promise<InspircdServer> {
  if (!opts.services && !opts.tls) return startInspircdOnce(opts);
  for (let attempt = 1; ; attempt++) {
    const link: ServicesLink | undefined = opts.services && {
      name: opts.services.name ?? 'services.test',
      password: opts.services.password ?? 'zenrelay-link',
      port: await freePort(),
      uplinkName: opts.serverName ?? 'irc.inspircd.test',
    };
    const tlsPort = opts.tls ? await freePort() : undefined;
    try {
      return await startInspircdOnce(opts, link, tlsPort);
    } catch (err) {
      if (attempt >= 3 || !/listeners failed to bind/i.test(String(err))) throw err;
    }
  }
}

async function startInspircdOnce(opts: StartInspircdOptions, link?: ServicesLink, tlsPort?: number): Promise<InspircdServer> {
  const dir = makeTempDir('inspircd', 0o777);
  const confPath = join(dir, 'inspircd.conf');
  const logPath = join(dir, 'ircd.log');
  const managed = await ManagedServer.start(
    {
      name: 'inspircd',
      ownedDir: dir,
      // InspIRCd keeps running when a <bind> fails, so this is also treated as a failure.
      portInUse: /listeners failed to bind|Address already in use/i,
      prepare: (port) => {
        writeFileSync(join(dir, 'motd.txt'), 'zenrelay test server\n');
        writeFileSync(confPath, inspircdConfig(dir, port, opts, link, tlsPort));
        chmodSync(confPath, 0o644);
        chmodSync(join(dir, 'motd.txt'), 0o644);
        return {
          command: 'inspircd',
          args: ['--nofork', '--nopid', `--config=${confPath}`],
          unprivileged: true,
          cwd: dir,
        };
      },
      ready: async (proc, port, timeoutMs) => {
        const deadline = Date.now() + timeoutMs;
        await waitForOutput(proc, /InspIRCd is now running|listeners failed to bind/, timeoutMs);
        if (/listeners failed to bind/.test(proc.output())) {
          throw new Error(`could not bind 127.0.0.1:${port}`);
        }
        await waitForPort(port, Math.max(100, deadline - Date.now()), '127.0.0.1', proc);
        if (tlsPort !== undefined) await waitForPort(tlsPort, Math.max(100, deadline - Date.now()), '127.0.0.1', proc);
      },
      diagnostics: () => (existsSync(logPath) ? `--- ${logPath} (tail) ---\n${tail(readFileSync(logPath, 'utf8'), 8000)}` : ''),
    },
    opts.port,
  );
  return managed.handle({ kind: 'inspircd' as const, serverName: opts.serverName ?? 'irc.inspircd.test', services: link, tlsPort });
}

function tail(text: string, chars: number): string {
  return text.length <= chars ? text : `[...]\n${text.slice(-chars)}`;
}
