'use strict';
/**
 * A hostile IRC server: a real TCP server, run as its own process by
 * test/harness/hostileIrc.ts. It registers one client the way a server does
 * (CAP LS/REQ/END, 001-005, MOTD, JOIN with NAMES), answers PING, echoes
 * the client's JOIN/PART/NICK, and otherwise sends whatever the test asks for,
 * byte for byte, malformed or huge.
 *
 * Control: one JSON command per line on stdin, answered on stdout by one JSON
 * event per line.
 *   {"op":"send","id":1,"lines":["..."]}            lines + CRLF, in order
 *   {"op":"raw","id":2,"base64":"..."}              bytes as they are
 *   {"op":"flood","id":3,"template":"... {i} ...","count":100000}
 *   {"op":"huge","id":4,"bytes":50331648,"end":"\r\n"}  that many 'A's, then `end`
 *   {"op":"close","id":5}                           drop the client connection
 * Events: {"event":"listening","port":N}, {"event":"connected"},
 *   {"event":"registered","nick":"..."}, {"event":"line","line":"..."} (each
 *   line from the client), {"event":"done","id":N} (written and drained).
 */
const net = require('node:net');
const readline = require('node:readline');

const SERVER = 'hostile.test';
// No account-tag: an account= tag from this server must not be believed.
// argv[2], when given: the caps to offer instead, as JSON (e.g. ["batch","draft/multiline=max-bytes=4096"]).
// With echo-message ACKed, the client's PRIVMSG, NOTICE and BATCH lines are echoed back with their tags
// (but `label`), as a server does, so a draft/multiline batch comes back as one batch.
const CAPS = process.argv[2] ? JSON.parse(process.argv[2]) : ['chghost', 'server-time', 'multi-prefix'];

let client = null;
let state = null;

function out(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function write(text) {
  if (!client || client.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    if (client.write(text)) resolve();
    else client.once('drain', resolve);
  });
}

function prefix() {
  return `${state.nick}!${state.user}@${state.host}`;
}

function maybeRegister() {
  if (state.registered || !state.nick || !state.user || state.capOpen) return;
  state.registered = true;
  const n = state.nick;
  write(
    [
      `:${SERVER} 001 ${n} :Welcome to the hostile network ${prefix()}`,
      `:${SERVER} 002 ${n} :Your host is ${SERVER}, running version hostile-1`,
      `:${SERVER} 003 ${n} :This server was created today`,
      `:${SERVER} 004 ${n} ${SERVER} hostile-1 iow ovbtnsmk`,
      `:${SERVER} 005 ${n} PREFIX=(ov)@+ CHANTYPES=#& NETWORK=Hostile CASEMAPPING=ascii :are supported by this server`,
      `:${SERVER} 375 ${n} :- motd -`,
      `:${SERVER} 372 ${n} :- be careful`,
      `:${SERVER} 376 ${n} :End of MOTD`,
    ].join('\r\n') + '\r\n',
  );
  out({ event: 'registered', nick: n });
}

function onLine(line) {
  out({ event: 'line', line });
  let tags = '';
  if (line.startsWith('@')) {
    const space = line.indexOf(' ');
    tags = space === -1 ? line.slice(1) : line.slice(1, space);
    line = space === -1 ? '' : line.slice(space + 1);
  }
  const [command, ...rest] = line.split(' ');
  const arg = rest.join(' ');
  switch (command.toUpperCase()) {
    case 'CAP': {
      const sub = (rest[0] || '').toUpperCase();
      if (sub === 'LS') {
        state.capOpen = true;
        write(`:${SERVER} CAP * LS :${CAPS.join(' ')}\r\n`);
      } else if (sub === 'REQ') {
        const wanted = arg.slice(arg.indexOf(':') + 1);
        for (const cap of wanted.split(' ')) if (cap) state.caps.add(cap);
        write(`:${SERVER} CAP ${state.nick || '*'} ACK :${wanted}\r\n`);
      } else if (sub === 'END') {
        state.capOpen = false;
        maybeRegister();
      }
      break;
    }
    case 'NICK':
      if (state.registered) {
        const next = rest[0].replace(/^:/, '');
        write(`:${prefix()} NICK :${next}\r\n`);
        state.nick = next;
      } else {
        state.nick = rest[0];
        maybeRegister();
      }
      break;
    case 'USER':
      state.user = `~${rest[0]}`;
      maybeRegister();
      break;
    case 'PING':
      write(`:${SERVER} PONG ${SERVER} :${arg.replace(/^:/, '')}\r\n`);
      break;
    case 'JOIN': {
      if (rest[0] === '0') {
        for (const channel of state.channels) write(`:${prefix()} PART ${channel} :left all channels\r\n`);
        state.channels.clear();
        break;
      }
      for (const channel of (rest[0] || '').split(',')) {
        if (!channel) continue;
        state.channels.add(channel);
        write(`:${prefix()} JOIN ${channel}\r\n:${SERVER} 353 ${state.nick} = ${channel} :@${state.nick} alice\r\n:${SERVER} 366 ${state.nick} ${channel} :End of /NAMES list.\r\n`);
      }
      break;
    }
    case 'PART':
      for (const channel of (rest[0] || '').split(',')) {
        state.channels.delete(channel);
        write(`:${prefix()} PART ${channel}\r\n`);
      }
      break;
    case 'PRIVMSG':
    case 'NOTICE':
    case 'BATCH':
      if (state.caps.has('echo-message')) {
        const kept = tags.split(';').filter((t) => t && !t.startsWith('label='));
        write(`${kept.length > 0 ? `@${kept.join(';')} ` : ''}:${prefix()} ${line}\r\n`);
      }
      break;
    case 'QUIT':
      write(`ERROR :Closing link\r\n`).then(() => client && client.end());
      break;
    default:
      break;
  }
}

const server = net.createServer((socket) => {
  if (client) client.destroy();
  client = socket;
  state = { nick: '', user: '', host: 'client.hostile.test', registered: false, capOpen: false, channels: new Set(), caps: new Set() };
  out({ event: 'connected' });
  let buffer = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk) => {
    buffer += chunk;
    let lf;
    while ((lf = buffer.indexOf('\n')) !== -1) {
      const line = Buffer.from(buffer.slice(0, lf), 'latin1').toString('utf8').replace(/\r$/, '');
      buffer = buffer.slice(lf + 1);
      if (socket === client) onLine(line);
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    if (socket === client) {
      client = null;
      out({ event: 'disconnected' });
    }
  });
});

async function flood(template, count) {
  const batch = [];
  for (let i = 0; i < count; i++) {
    batch.push(template.split('{i}').join(String(i)));
    if (batch.length === 2000 || i === count - 1) {
      await write(batch.join('\r\n') + '\r\n');
      batch.length = 0;
    }
  }
}

async function huge(bytes, end) {
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    await write(sent + chunk.length <= bytes ? chunk : chunk.subarray(0, bytes - sent));
  }
  await write(end);
}

async function run(command) {
  switch (command.op) {
    case 'send':
      await write(command.lines.map((l) => l + '\r\n').join(''));
      break;
    case 'raw':
      await write(Buffer.from(command.base64, 'base64'));
      break;
    case 'flood':
      await flood(command.template, command.count);
      break;
    case 'huge':
      await huge(command.bytes, command.end ?? '\r\n');
      break;
    case 'close':
      if (client) client.destroy();
      break;
    default:
      throw new Error(`unknown op ${command.op}`);
  }
  out({ event: 'done', id: command.id });
}

// Commands run one after the other, in the order they came.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (text) => {
  const command = JSON.parse(text);
  queue = queue.then(() => run(command)).catch((error) => out({ event: 'error', id: command.id, message: String(error) }));
});
process.stdin.on('end', () => process.exit(0));

server.listen(0, '127.0.0.1', () => out({ event: 'listening', port: server.address().port }));
