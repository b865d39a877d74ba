import { EventEmitter } from 'node:events';
import type { Client, WhoisEvent } from 'irc-framework';
import { RpcError } from '@zenrelay/protocol';
import { WhoisLookup, whoisResult } from './whois';

/** Only the `whois` event of irc-framework's client is used. */
function fakeClient(): EventEmitter & Client {
  return new EventEmitter() as EventEmitter & Client;
}

async function failure(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (err) {
    return err as RpcError;
  }
  throw new Error('expected a failure');
}

describe('whoisResult', () => {
  it('names the fields plainly and splits the channels', () => {
    const event: WhoisEvent = { nick: 'alice', ident: '~al', hostname: 'h.example', real_name: 'Alice', account: 'alice', server: 'irc.test', channels: '@#a #b ' };
    expect(whoisResult(event)).toEqual({ nick: 'alice', user: '~al', host: 'h.example', realname: 'Alice', account: 'alice', server: 'irc.test', channels: ['@#a', '#b'] });
    expect(whoisResult({ nick: 'bob', ident: 'b' })).toEqual({ nick: 'bob', user: 'b' });
  });
});

describe('WhoisLookup', () => {
  it('sends one WHOIS for concurrent lookups and answers them all from the reply', async () => {
    const sent: string[] = [];
    const lookup = new WhoisLookup((line) => sent.push(line) > 0);
    const client = fakeClient();
    lookup.attach(client);
    const a = lookup.lookup('Alice', 1000);
    const b = lookup.lookup('alice', 1000);
    client.emit('whois', { nick: 'alice', ident: 'al', hostname: 'h' });
    expect(await a).toEqual({ nick: 'alice', user: 'al', host: 'h' });
    expect(await b).toEqual({ nick: 'alice', user: 'al', host: 'h' });
    expect(sent).toEqual(['WHOIS Alice']);
  });

  it('fails clearly: no such nick, no answer, IRC down, not a nick', async () => {
    const lookup = new WhoisLookup(() => true);
    const client = fakeClient();
    lookup.attach(client);
    const missing = lookup.lookup('ghost', 1000);
    client.emit('whois', { nick: 'ghost', error: 'not_found' });
    expect((await failure(missing)).code).toBe('not_found');
    const slow = await failure(lookup.lookup('slow', 20));
    expect({ code: slow.code, message: slow.message }).toEqual({ code: 'timeout', message: 'the IRC server did not answer WHOIS slow within 20 ms' });
    expect((await failure(new WhoisLookup(() => false).lookup('x', 1000))).code).toBe('unavailable');
    expect((await failure(lookup.lookup('a b\r\nQUIT', 1000))).code).toBe('bad_request');
    expect((await failure(lookup.lookup(42, 1000))).code).toBe('bad_request');
  });
});
