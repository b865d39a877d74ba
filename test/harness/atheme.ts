/**
 * Real Atheme services (Debian's atheme-services 7.2) linked to a test
 * InspIRCd started with `startInspircd({ services: {} })`: NickServ (REGISTER
 * logs the user in at once, no e-mail verification; CERT for certfp; GHOST)
 * and SaslServ (SASL PLAIN and EXTERNAL).
 *
 * Atheme 7.2 speaks InspIRCd's linking protocol 1202 (InspIRCd 2.0), which
 * InspIRCd 3 (protocol 1205) still accepts from a linking server. Atheme runs
 * in the foreground (-n) as nobody with its config, opensex database, log and
 * pid file in a temp dir, and connects out to InspIRCd's server port; it is
 * ready once it has synchronised with its uplink. It reconnects by itself
 * (every second) after an InspIRCd restart.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServicesLink } from './inspircd';
import { connectUser, type IrcUser } from './ircUser';
import { ManagedServer, waitForOutput } from './managedServer';
import { makeTempDir } from './tempDir';
import type { ServerHandle } from './types';

export interface StartAthemeOptions {
  /** `services` of the InspIRCd to link to (`startInspircd({ services: {} })`). */
  link: ServicesLink;
  /** Default "42S". */
  sid?: string;
}

/** A running Atheme; `link` is the link it uses. */
export interface AthemeServices extends ServerHandle {
  readonly link: ServicesLink;
  /** Atheme's log file so far (registrations, logins, SASL failures). */
  log(): string;
}

/** The NickServ and SaslServ modules, plus what Atheme needs to run. */
const ATHEME_MODULES: readonly string[] = [
  'protocol/inspircd',
  'backend/opensex',
  'crypto/posix',
  'nickserv/main',
  'nickserv/help',
  'nickserv/register',
  'nickserv/identify',
  'nickserv/logout',
  'nickserv/info',
  // CERT ADD <fingerprint>: SASL EXTERNAL logins by client certificate (InspIRCd's certfp).
  'nickserv/cert',
  // GHOST <nick> [password]: disconnects whoever holds a registered nick.
  'nickserv/ghost',
  'saslserv/main',
  'saslserv/plain',
  'saslserv/external',
];

/** The atheme.conf the harness writes (exported for reference). */
export function athemeConfig(link: ServicesLink, sid = '42S'): string {
  const service = (block: string, nick: string, real: string) =>
    `${block} {\n\tnick = "${nick}";\n\tuser = "${nick}";\n\thost = "${link.name}";\n\treal = "${real}";\n};`;
  return [
    ...ATHEME_MODULES.map((m) => `loadmodule "modules/${m}";`),
    'serverinfo {',
    `\tname = "${link.name}";`,
    '\tdesc = "zenrelay test services";',
    `\tnumeric = "${sid}";`,
    '\trecontime = 1;',
    '\tnetname = "ZenTest";',
    '\thidehostsuffix = "users.zentest";',
    '\tadminname = "zenrelay test harness";',
    '\tadminemail = "nobody@example.invalid";',
    '\tregisteremail = "nobody@example.invalid";',
    // No "debug": in the foreground Atheme would then warn every user that it runs in debug mode.
    '\tloglevel = { error; info; admin; network; register; request; denycmd; commands; };',
    '\tmaxlogins = 100;',
    '\tmaxusers = 1000;',
    '\tmdlimit = 30;',
    '\temaillimit = 10;',
    '\temailtime = 300;',
    // No e-mail verification: REGISTER logs the user in right away.
    '\tauth = none;',
    '\tcasemapping = rfc1459;',
    '};',
    `uplink "${link.uplinkName}" {`,
    '\thost = "127.0.0.1";',
    `\tpassword = "${link.password}";`,
    `\tport = ${link.port};`,
    '};',
    service('nickserv', 'NickServ', 'Nickname Services'),
    service('saslserv', 'SaslServ', 'SASL Authentication Agent'),
    'general {',
    // Tests register and log in quickly, from one address: no rate limits or clone limits.
    '\tflood_msgs = 0;',
    '\tflood_time = 10;',
    '\tratelimit_uses = 1000;',
    '\tratelimit_period = 1;',
    '\tkline_time = 1;',
    '\tcommit_interval = 5;',
    '\tdefault_clone_allowed = 1000;',
    '\tdefault_clone_warn = 1000;',
    '\tuplink_sendq_limit = 1048576;',
    '\tlanguage = "en";',
    '\timmune_level = immune;',
    '};',
    'operclass "user" { };',
    '',
  ].join('\n');
}

/** Starts Atheme and resolves once it has linked to and synchronised with the InspIRCd. */
export async function startAtheme(opts: StartAthemeOptions): Promise<AthemeServices> {
  const { link } = opts;
  const dir = makeTempDir('atheme', 0o777);
  const confPath = join(dir, 'atheme.conf');
  const logPath = join(dir, 'atheme.log');
  const readLog = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  const managed = await ManagedServer.start(
    {
      name: 'atheme',
      ownedDir: dir,
      // Atheme listens on nothing; the port ManagedServer picks is unused.
      portInUse: /(?!)/,
      prepare: () => {
        writeFileSync(confPath, athemeConfig(link, opts.sid));
        chmodSync(confPath, 0o644);
        return {
          command: 'atheme-services',
          args: ['-n', '-c', confPath, '-D', dir, '-l', logPath, '-p', join(dir, 'atheme.pid')],
          unprivileged: true,
          cwd: dir,
        };
      },
      ready: (proc, _port, timeoutMs) => waitForOutput(proc, /finished synching with uplink/, timeoutMs),
      diagnostics: () => (existsSync(logPath) ? `--- ${logPath} (tail) ---\n${readLog().slice(-8000)}` : ''),
    },
  );
  return managed.handle({ link, log: readLog });
}

/**
 * Registers the account `user.nick` with NickServ (REGISTER logs the user in)
 * and resolves once the server confirms the login (900). Fails with
 * NickServ's answer otherwise.
 */
export async function registerAccount(user: IrcUser, password: string, timeoutMs = 10000): Promise<void> {
  const since = user.mark();
  user.send(`PRIVMSG NickServ :REGISTER ${password} ${user.nick.toLowerCase()}@example.invalid`);
  await user.waitFor((l) => l.command === '900', timeoutMs, since).catch((err: Error) => {
    const replies = user.lines.slice(since).filter((l) => l.nick === 'NickServ').map((l) => l.params[1]);
    throw new Error(`NickServ REGISTER for ${user.nick} failed: ${replies.join(' | ') || err.message}`);
  });
}

/** Logs `user` in to `account` with NickServ IDENTIFY and resolves once the server confirms it (900). */
export async function identify(user: IrcUser, account: string, password: string, timeoutMs = 10000): Promise<void> {
  const since = user.mark();
  user.send(`PRIVMSG NickServ :IDENTIFY ${account} ${password}`);
  await user.waitFor((l) => l.command === '900' && l.params[2] === account, timeoutMs, since).catch((err: Error) => {
    const replies = user.lines.slice(since).filter((l) => l.nick === 'NickServ').map((l) => l.params[1]);
    throw new Error(`NickServ IDENTIFY ${account} as ${user.nick} failed: ${replies.join(' | ') || err.message}`);
  });
}

/** Connects as `account`, registers it with NickServ, and disconnects again. */
export async function createAccount(host: string, port: number, account: string, password: string, serverPassword?: string): Promise<void> {
  const user = await connectUser({ host, port, nick: account, ...(serverPassword !== undefined ? { password: serverPassword } : {}) });
  try {
    await registerAccount(user, password);
    await user.quit('account created');
  } finally {
    user.destroy();
  }
}

/** Adds `fingerprint` (a certfp) to the NickServ account `user` is logged in to; resolves on NickServ's confirmation. */
export async function addCertificate(user: IrcUser, fingerprint: string, timeoutMs = 10000): Promise<void> {
  const since = user.mark();
  user.send(`PRIVMSG NickServ :CERT ADD ${fingerprint}`);
  await user.waitFor((l) => l.nick === 'NickServ' && /Added fingerprint .*to your fingerprint list/i.test(l.params[1] ?? ''), timeoutMs, since).catch((err: Error) => {
    const replies = user.lines.slice(since).filter((l) => l.nick === 'NickServ').map((l) => l.params[1]);
    throw new Error(`NickServ CERT ADD for ${user.nick} failed: ${replies.join(' | ') || err.message}`);
  });
}
