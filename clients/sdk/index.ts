/**
 * The zenrelay TypeScript SDK: write a bot service in a few lines.
 *
 *     import { createService } from '@zenrelay/sdk';
 *     const bot = await createService({ name: 'hello', description: 'The workshop greeter' });
 *     bot.on('privmsg', (e) => e.data.message === 'hello' && bot.reply(e, `Hello ${e.data.sender}`));
 *     bot.command('woot', (c) => c.reply('Indeed!'), { help: 'Agree, loudly' });
 *
 * `connect()` gives a plain client (no registry entry); `createService()` one
 * that shows up in `!help` and `!services`.
 */
export { connect, ZenClient } from './client';
export type { CommandContext, CommandEntry, CommandHandler, CommandOptions, ConnectOptions, EventHandler, ReplyableEvent } from './client';
export { createService, serviceSettings, ZenService } from './service';
export type { ServiceOptions } from './service';
export { ServiceRegistry } from './registry';
export { commandName, parseCommand, splitArgs } from './commands';
export type { ParsedCommand, ParseOptions } from './commands';
export { SendError } from './send';
export type { Recipients, SendErrorCode } from './send';
export { decodeInbound } from './inbound';
export type { Decoded } from './inbound';
export { RpcPeer } from './rpc';
