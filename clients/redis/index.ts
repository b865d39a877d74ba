export * from './redisConnection';
