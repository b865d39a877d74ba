import type { Logger } from '@zenrelay/runtime';
import { policyApplies, stsAction, type StsAction, type StsPolicy } from './sts';

/**
 * The bot's STS state for its one IRC host: the persistence policy (kept in
 * memory, saved through `store` so that it survives a restart) and an upgrade
 * seen on plain text (kept for the life of the process: once told to use TLS,
 * the bot does not go back to plain text by itself).
 */

/** Where policies are kept between runs (the bridge uses a Redis key, see bot/redis/stsStore.ts). */
export interface StsStore {
  load(host: string): Promise<StsPolicy | undefined>;
  save(policy: StsPolicy): Promise<void>;
  clear(host: string): Promise<void>;
}

/** Where and how to connect. `via`: why TLS is on when IRC_TLS is not (an STS policy or upgrade). */
export interface Endpoint {
  port: number;
  tls: boolean;
  via?: 'sts-policy' | 'sts-upgrade';
}

export class StsPolicies {
  private policy: StsPolicy | undefined;
  private upgradePort: number | undefined;

  constructor(
    private readonly host: string,
    private readonly store: StsStore | undefined,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the saved policy (once, before the first connection). A store that fails is logged, not fatal. */
  async load(): Promise<void> {
    if (!this.store) return;
    try {
      const policy = await this.store.load(this.host);
      if (policyApplies(policy, this.host, this.now())) {
        this.policy = policy;
        this.log.info({ host: this.host, port: policy.port, expires: new Date(policy.expiresAt).toISOString() }, 'STS policy in force: connecting with TLS only');
      }
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not read the saved STS policy; going on without it');
    }
  }

  /** The current policy, when one applies. */
  get current(): StsPolicy | undefined {
    return policyApplies(this.policy, this.host, this.now()) ? this.policy : undefined;
  }

  /** Where to connect: the configured endpoint, unless a policy or an upgrade says TLS on another port. */
  endpoint(configured: { port: number; tls: boolean }): Endpoint {
    const policy = this.current;
    if (policy) return configured.tls && configured.port === policy.port ? configured : { port: policy.port, tls: true, via: 'sts-policy' };
    if (!configured.tls && this.upgradePort !== undefined) return { port: this.upgradePort, tls: true, via: 'sts-upgrade' };
    return configured;
  }

  /**
   * Handles an advertised `sts` value on the current connection and says what
   * happened; an `upgrade` means the caller must drop this connection.
   */
  advertised(value: string | true | undefined, connection: { port: number; secure: boolean }): StsAction {
    const action = stsAction(value, { host: this.host, ...connection }, this.now());
    switch (action.kind) {
      case 'upgrade':
        this.upgradePort = action.port;
        break;
      case 'remember': {
        const renewed = this.policy !== undefined;
        this.policy = action.policy;
        this.persist(() => this.store?.save(action.policy));
        const fields = { host: this.host, port: action.policy.port, expires: new Date(action.policy.expiresAt).toISOString() };
        if (renewed) this.log.debug(fields, 'STS policy renewed');
        else this.log.info(fields, 'STS policy received: this host is reached with TLS only until it expires');
        break;
      }
      case 'clear':
        if (this.policy) this.log.info({ host: this.host }, 'STS policy removed by the server (duration=0)');
        this.policy = undefined;
        this.persist(() => this.store?.clear(this.host));
        break;
      case 'ignore':
        this.log.debug({ why: action.why }, 'ignored an sts capability');
        break;
    }
    return action;
  }

  private persist(write: () => Promise<void> | undefined): void {
    void Promise.resolve()
      .then(write)
      .catch((err: unknown) => this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not save the STS policy (it still holds until the bot restarts)'));
  }
}
