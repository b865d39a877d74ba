import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadBusConfig, CONFIG_EXIT_CODE, ConfigError, isCluster } from '@zenrelay/runtime';
import { aclFileText, aclUsers } from '../acl/aclFile';

const DEFAULT_SERVICES = 'hello,help,admin';

/** `zen acl`: print a ready Redis ACL file with one least-privilege user per role. */
export function registerAclCommand(program: Command): void {
  program
    .command('acl')
    .description('print a Redis ACL file: one least-privilege user per role (bot, each service, notifier, reader)')
    .option('-s, --services <names>', 'services to make users for, comma-separated', DEFAULT_SERVICES)
    .option('--cluster', 'for a Redis Cluster: the hash-tagged key names (the default when REDIS_CLUSTER_NODES is set)')
    .addHelpText(
      'after',
      `
The file goes to stdout, with a fresh random password per user; the REDIS_URL
each program should use goes to stderr. Save the file, point redis.conf at it
(\`aclfile /etc/redis/zenrelay.acl\`) and restart Redis (or ACL LOAD).
Reads ZEN_NAMESPACE like the bot. Load the file on every Redis server: with
Sentinel the primary and each replica, on a cluster every node (--cluster).
Roles: docs/operations.md#redis-acl-users.`,
    )
    .action((options: { services: string; cluster?: boolean }) => {
      let namespace: string;
      let hashTags = options.cluster === true;
      try {
        const bus = loadBusConfig(process.env);
        namespace = bus.namespace;
        hashTags ||= isCluster(bus.redis);
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`zen acl: ${err.message}\n`);
          process.exit(CONFIG_EXIT_CODE);
        }
        throw err;
      }
      const services = options.services.split(',').map((s) => s.trim()).filter((s) => s !== '');
      let users;
      try {
        users = aclUsers(namespace, services, { hashTags });
      } catch (err) {
        process.stderr.write(`zen acl: --services: ${(err as Error).message}\n`);
        process.exit(CONFIG_EXIT_CODE);
      }
      const passwords = new Map(users.map((u) => [u.user, randomBytes(18).toString('base64url')]));
      process.stdout.write(aclFileText(users, (u) => passwords.get(u.user) ?? ''));
      for (const u of users) {
        const who = u.role === 'bot' ? 'zen bot' : u.role === 'notifier' ? 'zen notify, the webhook' : u.role === 'reader' ? 'zen tail' : `zen service ${u.role.slice('service:'.length)}`;
        process.stderr.write(`${who}: REDIS_URL=redis://${u.user}:${passwords.get(u.user)}@<host>:6379\n`);
      }
    });
}
