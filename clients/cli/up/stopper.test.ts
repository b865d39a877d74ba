import pino from 'pino';
import { Stopper } from './stopper';

const silent = pino({ level: 'silent' });

describe('Stopper', () => {
  it('stops the parts in reverse order, once, and reports whether all stopped cleanly', async () => {
    const order: string[] = [];
    const stopper = new Stopper(silent);
    stopper.add('sandbox', async () => void order.push('sandbox'));
    stopper.add('bot', async () => {
      order.push('bot');
      throw new Error('boom');
    });
    stopper.add('services', async () => void order.push('services'));
    const [first, second] = await Promise.all([stopper.stop(), stopper.stop()]);
    expect(order).toEqual(['services', 'bot', 'sandbox']);
    expect(first).toBe(false);
    expect(second).toBe(false);
    expect(stopper.stopped).toBe(true);
  });

  it('stops a part at once when it registers after shutdown began', async () => {
    const stopper = new Stopper(silent);
    await stopper.stop();
    let closed = false;
    stopper.add('late', async () => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(true);
  });
});
