/**
 * Integration-test harness: real redis-server, ngircd and InspIRCd on free
 * loopback ports, Atheme services linked to InspIRCd, plus a raw IRC client
 * for "human" users.
 */
export * from './ports';
export * from './process';
export * from './waitFor';
export * from './types';
export { trackedPids } from './cleanup';
export { makeTempDir, removeTempDir } from './tempDir';
export * from './redisServer';
export * from './ngircd';
export * from './inspircd';
export * from './atheme';
export * from './ircParse';
export * from './ircUser';
export * from './sentinel';
export * from './redisCluster';
export * from './hostileIrc';
export * from './testCerts';
export * from './certificates';
