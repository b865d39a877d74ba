import fc from 'fast-check';
import { INBOUND_LINE_MAX_BYTES, LineReader } from './lineReader';

function reader(max?: number) {
  const lines: string[] = [];
  const oversized: number[] = [];
  const r = new LineReader({ onLine: (l) => lines.push(l.toString('latin1')), onOversized: (b) => oversized.push(b) }, max);
  return { r, lines, oversized };
}

describe('LineReader', () => {
  it('cuts lines at LF, removes a CR before it, and keeps an unfinished line for the next chunk', () => {
    const { r, lines } = reader();
    r.push(Buffer.from(':a PRIVMSG #c :hi\r\nPING :x\nPAR'));
    expect(lines).toEqual([':a PRIVMSG #c :hi', 'PING :x']);
    r.push(Buffer.from('T #c\r'));
    expect(lines).toHaveLength(2);
    r.push(Buffer.from('\n'));
    expect(lines).toEqual([':a PRIVMSG #c :hi', 'PING :x', 'PART #c']);
  });

  it('reports empty lines as empty (irc-framework ignores them)', () => {
    const { r, lines } = reader();
    r.push(Buffer.from('\r\n\n'));
    expect(lines).toEqual(['', '']);
  });

  it('drops a line longer than the limit, reports it once as soon as it passes the limit, and goes on with the next line', () => {
    const { r, lines, oversized } = reader(10);
    r.push(Buffer.from('0123456789'));
    expect(oversized).toEqual([]);
    r.push(Buffer.from('ab'));
    expect(oversized).toEqual([12]);
    r.push(Buffer.from('more and more'));
    expect(r.buffered).toBe(0);
    r.push(Buffer.from('end\nok\n'));
    expect(oversized).toEqual([12]);
    expect(lines).toEqual(['ok']);
  });

  it('accepts a line of exactly the limit', () => {
    const { r, lines, oversized } = reader(10);
    r.push(Buffer.from('0123456789\n'));
    expect(lines).toEqual(['0123456789']);
    expect(oversized).toEqual([]);
  });

  it('defaults to 8191 bytes of tags plus 512', () => {
    expect(INBOUND_LINE_MAX_BYTES).toBe(8703);
  });

  it('holds at most the limit for a 48 MB line without LF, fed in 64 KiB chunks', () => {
    const { r, oversized } = reader();
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let most = 0;
    for (let sent = 0; sent < 48 * 1024 * 1024; sent += chunk.length) {
      r.push(chunk);
      most = Math.max(most, r.buffered);
    }
    expect(most).toBeLessThanOrEqual(INBOUND_LINE_MAX_BYTES);
    expect(oversized).toHaveLength(1);
  });

  it('reset() forgets an unfinished line', () => {
    const { r, lines } = reader();
    r.push(Buffer.from('half a li'));
    r.reset();
    r.push(Buffer.from('PING :x\n'));
    expect(lines).toEqual(['PING :x']);
  });

  it('gives the same lines however the stream is chunked (property)', () => {
    const line = fc.string({ unit: fc.constantFrom('a', ' ', ':', '\r', 'é'), maxLength: 30 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (input, cuts) => {
        const stream = Buffer.from(input.map((l) => `${l}\n`).join(''), 'latin1');
        const whole = reader(20);
        whole.r.push(stream);
        const pieces = reader(20);
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        let at = 0;
        for (const p of [...points, stream.length]) {
          pieces.r.push(stream.subarray(at, p));
          at = p;
        }
        expect(pieces.lines).toEqual(whole.lines);
        expect(pieces.oversized.length).toBe(whole.oversized.length);
        // every line kept is within the limit, and the oversized ones are exactly those over it
        const expected = input.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        expect(whole.lines).toEqual(input.filter((l) => Buffer.byteLength(l, 'latin1') <= 20).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)));
        expect(expected.length).toBe(whole.lines.length + whole.oversized.length);
      }),
    );
  });
});
