/**
 * Baseline: the fastest a client can send, with no IRC library: a raw socket
 * that registers, joins, and on `say <target> <prefix> <n>` writes all n
 * PRIVMSG lines in one buffer (one write).
 */
import { connect } from 'node:net';
import { commands, parseArgs, print } from './common';

const PADDING = 'x'.repeat(60);
const args = parseArgs();
const socket = connect({ host: args.host, port: args.port });
socket.setNoDelay(true);
let buffered = '';
let joined = false;
socket.setEncoding('utf8');
socket.on('data', (chunk: string) => {
  buffered += chunk;
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl).replace(/\r$/, '');
    buffered = buffered.slice(nl + 1);
    const words = line.split(' ');
    if (words[0] === 'PING') socket.write(`PONG ${words.slice(1).join(' ')}\r\n`);
    else if (words[1] === '001') socket.write(`JOIN ${args.channels.join(',')}\r\n`);
    else if (words[1] === 'JOIN' && !joined && words[0].startsWith(`:${args.nick}!`)) {
      joined = true;
      print({ ready: true });
    }
  }
});
socket.on('close', () => process.exit(1));
socket.write(`NICK ${args.nick}\r\nUSER ${args.nick} 0 * :raw sender\r\n`);
commands(([verb, target, prefix, n]) => {
  if (verb !== 'say') return;
  let text = '';
  for (let i = 0; i < Number(n); i++) text += `PRIVMSG ${target} :${prefix}${i} ${PADDING}\r\n`;
  socket.write(text);
  print({ said: Number(n) });
});
