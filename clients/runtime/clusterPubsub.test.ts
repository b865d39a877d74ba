import fc from 'fast-check';
import { isPublishOnly, pubsubNodeKey, PUBSUB_SLOT, type QueuedCommand } from './clusterPubsub';

const command = (name: string, keys: string[] = []): QueuedCommand => ({ name, getKeys: () => keys });

describe('pubsubNodeKey', () => {
  it('is the master (first node) serving slot 0', () => {
    const slots: string[][] = [];
    slots[0] = ['127.0.0.1:7001', '127.0.0.1:7004'];
    slots[5461] = ['127.0.0.1:7002', '127.0.0.1:7005'];
    expect(PUBSUB_SLOT).toBe(0);
    expect(pubsubNodeKey(slots)).toBe('127.0.0.1:7001');
  });

  it('is unknown before the slot map is read', () => {
    expect(pubsubNodeKey([])).toBeUndefined();
    expect(pubsubNodeKey([[]])).toBeUndefined();
  });

  it('is the same for every program holding the same slot map, whatever the order it learnt the nodes in', () => {
    const node = fc.integer({ min: 1, max: 65535 }).map((p) => `127.0.0.1:${p}`);
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 4 }), fc.array(node, { maxLength: 6 }), (shard, others) => {
        const a: string[][] = [shard, ...others.map((o) => [o])];
        const b: string[][] = [[...shard], ...[...others].reverse().map((o) => [o])];
        expect(pubsubNodeKey(a)).toBe(shard[0]);
        expect(pubsubNodeKey(b)).toBe(pubsubNodeKey(a));
      }),
    );
  });
});

describe('isPublishOnly', () => {
  it('holds for a pipeline of publishes', () => {
    expect(isPublishOnly([command('publish'), command('publish')])).toBe(true);
  });

  it('does not hold for an empty pipeline or one with a keyed command (a transaction keeps its keys’ slot)', () => {
    expect(isPublishOnly([])).toBe(false);
    expect(isPublishOnly([command('publish'), command('xack', ['{zenrelay:notices}'])])).toBe(false);
    expect(isPublishOnly([command('multi'), command('publish'), command('exec')])).toBe(false);
    expect(isPublishOnly([command('publish', ['already-routed'])])).toBe(false);
  });

  it('holds exactly when every command is a key-less publish', () => {
    const cmd = fc.record({ name: fc.constantFrom('publish', 'xadd', 'get', 'multi'), keys: fc.array(fc.string(), { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 6 }), (cmds) => {
        const expected = cmds.length > 0 && cmds.every((c) => c.name === 'publish' && c.keys.length === 0);
        expect(isPublishOnly(cmds.map((c) => command(c.name, c.keys)))).toBe(expected);
      }),
    );
  });
});
