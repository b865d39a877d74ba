import fc from 'fast-check';
import { batchBytes, cutLine, messageLines, multilineBatches, parseMultilineCap, reassemble } from './multiline';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('parseMultilineCap', () => {
  it('reads max-bytes and max-lines', () => {
    expect(parseMultilineCap('max-bytes=4096,max-lines=24')).toEqual({ maxBytes: 4096, maxLines: 24 });
    expect(parseMultilineCap('max-bytes=4096')).toEqual({ maxBytes: 4096, maxLines: undefined });
  });
  it('has no limits (so no batches) without a usable max-bytes', () => {
    for (const value of [undefined, '', 'max-lines=5', 'max-bytes=abc', 'max-bytes=2', 'max-bytes=-1']) expect(parseMultilineCap(value)).toBeUndefined();
  });
});

describe('cutLine', () => {
  it('breaks after a space, keeping it, so the pieces concatenate back', () => {
    expect(cutLine('hello world again', 12)).toEqual(['hello world ', 'again']);
    expect(cutLine('abcdefgh', 4)).toEqual(['abcd', 'efgh']);
  });
  it('never cuts a code point', () => {
    expect(cutLine('😀😀', 5)).toEqual(['😀', '😀']);
  });
});

describe('multilineBatches', () => {
  it('one batch for a short multi-line text; long lines continue with concat', () => {
    expect(multilineBatches('one\ntwo three', 6, { maxBytes: 4096, maxLines: 24 })).toEqual([
      [{ text: 'one', concat: false }, { text: 'two ', concat: false }, { text: 'three', concat: true }],
    ]);
  });
  it('drops empty lines and treats CRLF, CR and NUL as line breaks', () => {
    expect(multilineBatches('a\r\n\r\nb\rc\0d\n', 100, { maxBytes: 100, maxLines: undefined })).toEqual([[{ text: 'a', concat: false }, { text: 'b', concat: false }, { text: 'c', concat: false }, { text: 'd', concat: false }]]);
  });
  it('starts another batch at max-lines and at max-bytes', () => {
    expect(multilineBatches('a\nb\nc', 100, { maxBytes: 100, maxLines: 2 }).map((b) => b.length)).toEqual([2, 1]);
    // "aaaa" + "\n" + "bbbb" = 9 bytes > 8
    expect(multilineBatches('aaaa\nbbbb', 100, { maxBytes: 8, maxLines: undefined })).toEqual([[{ text: 'aaaa', concat: false }], [{ text: 'bbbb', concat: false }]]);
  });
});

/** Text with line breaks, spaces, multi-byte characters and astral ones. */
const text = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r\n', '\0', 'é', '€', '😀', 'xyz', '  '), { minLength: 0, maxLength: 120 }).map((parts) => parts.join(''));

describe('multilineBatches (properties)', () => {
  it('every batch is within the limits and every piece within the line budget', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 4, max: 40 }), fc.integer({ min: 4, max: 80 }), fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), (t, pieceBytes, maxBytes, maxLines) => {
        for (const batch of multilineBatches(t, pieceBytes, { maxBytes, maxLines })) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch[0].concat).toBe(false);
          if (maxLines !== undefined) expect(batch.length).toBeLessThanOrEqual(maxLines);
          expect(batchBytes(batch)).toBeLessThanOrEqual(maxBytes);
          for (const piece of batch) {
            expect(piece.text.length).toBeGreaterThan(0);
            expect(bytes(piece.text)).toBeLessThanOrEqual(Math.min(pieceBytes, maxBytes));
            expect(piece.text).not.toMatch(/[\r\n\0]/);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('with room enough, the one batch reassembles to the text (its non-empty lines, joined by \\n)', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 4, max: 40 }), (t, pieceBytes) => {
        const batches = multilineBatches(t, pieceBytes, { maxBytes: 100_000, maxLines: undefined });
        const lines = messageLines(t);
        expect(batches.length).toBe(lines.length === 0 ? 0 : 1);
        if (batches.length === 1) expect(reassemble(batches[0])).toBe(lines.join('\n'));
      }),
      { numRuns: 500 },
    );
  });

  it('split across batches, nothing is lost: all batches together give every character of every line, in order', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 4, max: 20 }), fc.integer({ min: 4, max: 30 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), (t, pieceBytes, maxBytes, maxLines) => {
        const batches = multilineBatches(t, pieceBytes, { maxBytes, maxLines });
        const all = batches.map(reassemble).join('\n');
        // A line split across two batches shows as a line break there; otherwise the text is the same.
        expect(all.replace(/\n/g, '')).toBe(messageLines(t).join(''));
      }),
      { numRuns: 500 },
    );
  });
});
