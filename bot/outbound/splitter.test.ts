import { IRC_LINE_MAX, splitText, textBudget, type LineParts } from './splitter';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Code-unit offsets of the grapheme-cluster boundaries of `s`, and for each
 * cluster start the UTF-8 size of that cluster.
 */
function clusters(s: string): { starts: number[]; sizes: number[] } {
  const starts: number[] = [];
  const sizes: number[] = [];
  for (const { index, segment } of segmenter.segment(s)) {
    starts.push(index);
    sizes.push(bytes(segment));
  }
  return { starts, sizes };
}

/** The size of the cluster containing code unit `at`, or 0 when a cluster starts at `at`. */
function clusterAround(c: { starts: number[]; sizes: number[] }, at: number): number {
  let lo = 0;
  let hi = c.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((c.starts[mid] as number) <= at) lo = mid;
    else hi = mid - 1;
  }
  return c.starts[lo] === at ? 0 : (c.sizes[lo] as number);
}

/**
 * Walks `line` along `chunks`, allowing one consumed space between chunks, and
 * returns where each chunk ends and whether a space was consumed after it,
 * or a description of the first mismatch.
 */
function rebuild(line: string, chunks: string[]): { end: number; spaceConsumed: boolean }[] | string {
  const cuts: { end: number; spaceConsumed: boolean }[] = [];
  let p = 0;
  for (const chunk of chunks) {
    const prev = cuts[cuts.length - 1];
    if (prev !== undefined && !line.startsWith(chunk, p) && line[p] === ' ' && line.startsWith(chunk, p + 1)) {
      prev.spaceConsumed = true;
      p++;
    }
    if (!line.startsWith(chunk, p)) return `chunk ${JSON.stringify(chunk)} does not continue the line at ${p}`;
    p += chunk.length;
    cuts.push({ end: p, spaceConsumed: false });
  }
  // A break space may have been consumed at the very end of the line.
  if (p === line.length - 1 && line[p] === ' ') p++;
  if (p !== line.length) return `chunks rebuild only ${p} of ${line.length} code units`;
  return cuts;
}

function isValidUtf8(chunk: string): boolean {
  const roundTrip = Buffer.from(chunk, 'utf8').toString('utf8');
  return roundTrip === chunk && !roundTrip.includes('\uFFFD');
}

/**
 * Checks every property splitText promises for one line of input (no line
 * breaks in it). Problems are collected and checked with one expect, which
 * keeps big inputs fast.
 */
function checkLine(line: string, maxBytes: number): string[] {
  const chunks = splitText(line, maxBytes);
  const problems: string[] = [];
  for (const chunk of chunks) {
    if (chunk.length === 0) problems.push('empty chunk');
    if (bytes(chunk) > maxBytes) problems.push(`${JSON.stringify(chunk)} is ${bytes(chunk)} bytes`);
    if (!isValidUtf8(chunk)) problems.push(`${JSON.stringify(chunk)} is not valid UTF-8`);
  }
  const cuts = rebuild(line, chunks);
  if (typeof cuts === 'string') {
    problems.push(cuts);
  } else {
    const c = clusters(line);
    for (const { end, spaceConsumed } of cuts.slice(0, -1)) {
      if (spaceConsumed) continue;
      // A cut inside a word lies on a cluster boundary, unless that cluster alone is over budget.
      const around = clusterAround(c, end);
      if (around !== 0 && around <= maxBytes) problems.push(`cut at ${end} splits a ${around}-byte cluster`);
    }
  }
  expect(problems).toEqual([]);
  return chunks;
}

function expectValidUtf8(chunk: string): void {
  expect(isValidUtf8(chunk)).toBe(true);
}

/** Small deterministic PRNG (mulberry32) so the generated texts are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'é',
  '日本語',
  'a',
  'word',
  '👩‍👩‍👧', // ZWJ family: 18 bytes, one cluster
  '👍🏽', // skin tone modifier
  'e\u0301', // e + combining acute
  'a\u0308\u0304', // a + two combining marks
  '🇯🇵', // flag: two regional indicators
  '🏳️‍🌈', // ZWJ sequence with a variation selector
  'ñ',
  'Ω',
  '😀',
  'क्षि', // Devanagari conjunct
  '한국어',
];

function multibyteText(seed: number, minBytes: number): string {
  const rand = prng(seed);
  let text = '';
  while (bytes(text) < minBytes) {
    const wordLength = 1 + Math.floor(rand() * (rand() < 0.1 ? 40 : 6));
    let word = '';
    for (let k = 0; k < wordLength; k++) word += PIECES[Math.floor(rand() * PIECES.length)];
    text += (text.length > 0 ? (rand() < 0.1 ? '  ' : ' ') : '') + word;
  }
  return text;
}

describe('splitText', () => {
  it('refuses budgets below 4 bytes', () => {
    for (const bad of [3, 0, -1, Number.NaN]) {
      expect(() => splitText('hello', bad)).toThrow(RangeError);
    }
    expect(splitText('😀😀', 4)).toEqual(['😀', '😀']);
  });

  it('returns nothing for empty input or input of only line breaks', () => {
    expect(splitText('', 100)).toEqual([]);
    expect(splitText('\r\n\n\r\0\r\n', 100)).toEqual([]);
  });

  it('wraps ASCII text at the last space that fits', () => {
    const text = 'the quick brown fox jumps over the lazy dog';
    const chunks = splitText(text, 10);
    expect(chunks).toEqual(['the quick', 'brown fox', 'jumps over', 'the lazy', 'dog']);
    expect(chunks.join(' ')).toBe(text);
  });

  it('leaves a line that fits untouched, spaces and all', () => {
    expect(splitText('  hello   world  ', 100)).toEqual(['  hello   world  ']);
  });

  it('splits on CR, LF, CRLF and NUL and drops empty lines', () => {
    expect(splitText('a\r\nb\rc\nd\0e', 100)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(splitText('one\n\n\ntwo\r\n\r\nthree\n', 100)).toEqual(['one', 'two', 'three']);
    expect(splitText('\0\0x\0', 100)).toEqual(['x']);
    // Lines of only spaces are not empty: they are kept.
    expect(splitText('a\n   \nb', 100)).toEqual(['a', '   ', 'b']);
  });

  it('never outputs line-break characters', () => {
    const text = multibyteText(7, 500).replace(/ /g, (m, offset: number) => (offset % 3 === 0 ? '\r\n' : m));
    for (const chunk of splitText(text, 37)) expect(chunk).not.toMatch(/[\r\n\0]/);
  });

  it('keeps leading spaces (indentation)', () => {
    expect(splitText('    indented code', 100)).toEqual(['    indented code']);
    expect(splitText('    aaaa bbbb', 8)).toEqual(['    aaaa', 'bbbb']);
    // Indentation spaces are not break points, even when the word after them is too long.
    expect(splitText('  abcdefghij', 6)).toEqual(['  abcd', 'efghij']);
  });

  describe('the exact boundary', () => {
    it('keeps a line of exactly maxBytes whole', () => {
      expect(splitText('abcd', 4)).toEqual(['abcd']);
      expect(splitText('é日', 5)).toEqual(['é日']);
      expect(splitText('😀😀', 8)).toEqual(['😀😀']);
      const line = 'x'.repeat(400);
      expect(splitText(line, 400)).toEqual([line]);
    });

    it('moves one byte over the budget to a new piece', () => {
      expect(splitText('abcde', 4)).toEqual(['abcd', 'e']);
      expect(splitText('é日', 4)).toEqual(['é', '日']);
      expect(splitText('😀😀', 7)).toEqual(['😀', '😀']);
    });

    it('breaks at a space right after a piece of exactly maxBytes', () => {
      expect(splitText('abcd efgh', 4)).toEqual(['abcd', 'efgh']);
      expect(splitText('abc defg', 4)).toEqual(['abc', 'defg']);
      expect(splitText('日本 語', 6)).toEqual(['日本', '語']);
    });
  });

  it('breaks a word longer than the budget', () => {
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(splitText(`hi ${'y'.repeat(12)}`, 10)).toEqual(['hi', 'y'.repeat(10), 'yy']);
    expect(splitText('日本語日本語', 7)).toEqual(['日本', '語日', '本語']);
  });

  it('keeps grapheme clusters together when they fit', () => {
    const family = '👩‍👩‍👧';
    expect(bytes(family)).toBe(18);
    expect(splitText(family.repeat(3), 20)).toEqual([family, family, family]);
    expect(splitText('e\u0301'.repeat(4), 4)).toEqual(Array(4).fill('e\u0301'));
    expect(splitText('🇫🇷🇩🇪🇯🇵', 10)).toEqual(['🇫🇷', '🇩🇪', '🇯🇵']);
    expect(splitText('🇫🇷🇩🇪🇯🇵', 16)).toEqual(['🇫🇷🇩🇪', '🇯🇵']);
    expect(splitText('👍🏽👍🏽', 9)).toEqual(['👍🏽', '👍🏽']);
  });

  it('falls back to code points for a cluster bigger than the budget', () => {
    const family = '👩‍👩‍👧';
    const chunks = checkLine(family, 10);
    expect(chunks.join('')).toBe(family);
    expect(chunks.length).toBeGreaterThan(1);
    const zalgo = `a${'\u0301'.repeat(30)}b`;
    const zChunks = checkLine(zalgo, 8);
    expect(zChunks.join('')).toBe(zalgo);
  });

  it('does not break at a space that a combining mark attaches to', () => {
    expect(splitText('abc \u0301def', 6)).toEqual(['abc \u0301', 'def']);
  });

  it('splits a 2,000-byte multibyte text into valid, in-budget pieces that rebuild it', () => {
    const text = multibyteText(42, 2000);
    expect(bytes(text)).toBeGreaterThanOrEqual(2000);
    for (const budget of [4, 5, 7, 13, 19, 50, 100, 256, 400]) {
      const chunks = checkLine(text, budget);
      expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(bytes(text) / budget) - 1);
    }
  });

  it('holds up on many generated texts', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const text = multibyteText(seed, 300);
      checkLine(text, 4 + (seed % 40));
    }
  });

  it('fills pieces greedily when there are no spaces', () => {
    const text = multibyteText(3, 1000).replace(/ /g, '');
    const budget = 50;
    const chunks = checkLine(text, budget);
    for (let k = 0; k < chunks.length - 1; k++) {
      const next = segmenter.segment(chunks[k + 1] as string)[Symbol.iterator]().next().value;
      // The first cluster of the next piece would not have fitted in this one.
      expect(bytes((chunks[k] as string) + (next?.segment ?? ''))).toBeGreaterThan(budget);
    }
  });

  it('never splits a surrogate pair, even a lone surrogate is passed through', () => {
    const text = '😀'.repeat(100);
    for (const budget of [4, 5, 6, 7, 9, 11]) {
      const chunks = splitText(text, budget);
      expect(chunks.join('')).toBe(text);
      for (const chunk of chunks) expectValidUtf8(chunk);
    }
    const lone = 'ab\uD800cd';
    expect(splitText(lone, 4).join('')).toBe(lone);
  });

  it('handles 16 KiB inputs', () => {
    const word = '日本語👩‍👩‍👧é'.repeat(600).slice(0, 16 * 1024);
    const wordSafe = word.replace(/[\uD800-\uDBFF]$/, '');
    expect(checkLine(wordSafe, 4).join('')).toBe(wordSafe);
    checkLine(wordSafe, 400);
    const ascii = 'lorem ipsum dolor sit amet '.repeat(700).slice(0, 16 * 1024);
    checkLine(ascii, 400);
    const spaces = ' '.repeat(16 * 1024);
    expect(splitText(spaces, 400).join(' ')).toBe(spaces);
  });
});

describe('textBudget', () => {
  const relayed = (p: LineParts, text: string): string => {
    const body = p.action === true ? `\x01ACTION ${text}\x01` : text;
    const user = p.user ?? `~${'u'.repeat(10)}`;
    const host = p.host ?? 'h'.repeat(63);
    return `:${p.nick}!${user}@${host} ${p.command} ${p.target} :${body}\r\n`;
  };

  const cases: LineParts[] = [
    { nick: 'zenbot', user: '~zen', host: 'example.org', command: 'PRIVMSG', target: '#chan' },
    { nick: 'zenbot', user: '~zen', host: 'example.org', command: 'NOTICE', target: '#chan' },
    { nick: 'zenbot', user: 'zen', host: 'user/zen', command: 'PRIVMSG', target: 'someone', action: true },
    { nick: 'zenbot', command: 'PRIVMSG', target: '#chan' },
    { nick: 'zenbot', command: 'NOTICE', target: '#café', action: true },
    { nick: 'ボット', user: '~zen', command: 'PRIVMSG', target: '#日本語' },
  ];

  it.each(cases)('fills a relayed line to exactly 512 bytes: $command to $target', (parts) => {
    const budget = textBudget(parts);
    expect(bytes(relayed(parts, 'x'.repeat(budget)))).toBe(IRC_LINE_MAX);
  });

  it('counts the known numbers', () => {
    // ":zenbot!~zen@example.org PRIVMSG #chan :" is 40 bytes, plus CRLF.
    expect(textBudget(cases[0] as LineParts)).toBe(512 - 40 - 2);
    expect(textBudget({ ...(cases[0] as LineParts), command: 'NOTICE' })).toBe(512 - 39 - 2);
    expect(textBudget({ ...(cases[0] as LineParts), action: true })).toBe(512 - 40 - 2 - 9);
  });

  it('assumes 11 bytes of user and 63 of host when unknown', () => {
    const known = textBudget({ nick: 'n', user: 'u', host: 'h', command: 'PRIVMSG', target: '#c' });
    const unknown = textBudget({ nick: 'n', command: 'PRIVMSG', target: '#c' });
    expect(known - unknown).toBe(10 + 62);
  });

  it('ignores tagBytes', () => {
    const parts = cases[0] as LineParts;
    expect(textBudget({ ...parts, tagBytes: 300 })).toBe(textBudget(parts));
  });

  it('returns 0 rather than a negative budget', () => {
    expect(textBudget({ nick: 'n', command: 'PRIVMSG', target: `#${'c'.repeat(600)}` })).toBe(0);
  });

  it('gives pieces that each make a line within 512 bytes', () => {
    const parts: LineParts = { nick: 'zenbot', command: 'PRIVMSG', target: '#日本語', action: true };
    const text = multibyteText(9, 3000);
    for (const chunk of splitText(text, textBudget(parts))) {
      expect(bytes(relayed(parts, chunk))).toBeLessThanOrEqual(IRC_LINE_MAX);
    }
  });
});
