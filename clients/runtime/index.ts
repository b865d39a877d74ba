/**
 * @zenrelay/runtime: what the bot, the SDK, the services and the CLI share —
 * reading settings, the settings common to all of them, logging with
 * redaction, the typed ConfigError, the token bucket and the shutdown-signal
 * handler, and every Redis connection (single server, Sentinel or Cluster:
 * redisConnection.ts). It depends on the protocol and ioredis only.
 */
export * from './settings';
export * from './busConfig';
export * from './ConfigError';
export * from './log';
export * from './tokenBucket';
export * from './shutdownSignals';
export * from './repeatedFailures';
export * from './redisConnectionLog';
export * from './redisConnection';
export * from './clusterPubsub';
