/**
 * The bot's one entry point for the code above it: only the `zen` CLI starts
 * the bot, and only through this module. The protocol, the runtime, the SDK
 * and the services never import bot/ (test/layering.test.ts checks).
 */
export { runBot } from './main';
export { Bridge } from './bridge';
export type { BridgeTuning } from './bridge';
export { botSettings, describeSettings, loadBotConfig } from './config';
export type { BotConfig } from './config';
export { startBridgeHttp } from './http';
export { VERSION } from './version';
export { EMPTY_CHANNELS_HINT, logStarting } from './startupLog';
