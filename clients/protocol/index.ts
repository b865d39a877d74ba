/**
 * The zenrelay protocol: the single definition of every envelope on the bus.
 * The bot, the SDK, the CLI and the generated JSON Schema all come from here.
 */
export * from './envelope';
export * from './inbound';
export * from './outbound';
export * from './errors';
export * from './names';
export * from './targets';
export * from './notices';
export * from './registry';
export * from './lookup';
export * from './inheritedNames';
export * from './rpc';
export * from './audit';
