import { commandName, parseCommand, splitArgs } from './commands';

describe('parseCommand', () => {
  it('takes the first word as the name and the rest as arguments', () => {
    expect(parseCommand('woot')).toEqual({ name: 'woot', args: '', argv: [] });
    expect(parseCommand('weather  Portland,  OR ')).toEqual({ name: 'weather', args: 'Portland,  OR', argv: ['Portland,', 'OR'] });
  });

  it('lower-cases the name but keeps the arguments as said', () => {
    expect(parseCommand('WOOT Loud')).toEqual({ name: 'woot', args: 'Loud', argv: ['Loud'] });
  });

  it('accepts any whitespace between name and arguments, newlines included', () => {
    expect(parseCommand('\thelp\t woot')).toEqual({ name: 'help', args: 'woot', argv: ['woot'] });
  });

  it('drops a leading prefix when one is given, as in "zen: !woot"', () => {
    expect(parseCommand('!woot now', { prefix: '!' })).toEqual({ name: 'woot', args: 'now', argv: ['now'] });
    expect(parseCommand('!woot')).toBeUndefined();
    expect(parseCommand('.help x', { prefix: '.' })?.name).toBe('help');
  });

  it('returns undefined for text that does not start with a command name', () => {
    for (const text of ['', '   ', 'hello, world', '???', '-x', '#chan', 'a'.repeat(33)]) {
      expect(parseCommand(text)).toBeUndefined();
    }
  });

  it('keeps names with the allowed punctuation', () => {
    expect(parseCommand('who-are-you? now')?.name).toBe('who-are-you?');
    expect(parseCommand('v1.2_x')?.name).toBe('v1.2_x');
  });
});

describe('splitArgs', () => {
  it('splits on whitespace', () => {
    expect(splitArgs('a  b\tc')).toEqual(['a', 'b', 'c']);
    expect(splitArgs('')).toEqual([]);
  });

  it('keeps quoted parts together without their quotes', () => {
    expect(splitArgs(`say "hello world" 'to you' x`)).toEqual(['say', 'hello world', 'to you', 'x']);
    expect(splitArgs('a"b c"d')).toEqual(['ab cd']);
  });

  it('keeps an empty quoted argument', () => {
    expect(splitArgs('a "" b')).toEqual(['a', '', 'b']);
  });

  it('runs an unclosed quote to the end', () => {
    expect(splitArgs('"open quote here')).toEqual(['open quote here']);
  });

  it('keeps the other quote character inside quotes', () => {
    expect(splitArgs(`"it's" fine`)).toEqual(["it's", 'fine']);
  });
});

describe('commandName', () => {
  it('lower-cases valid names', () => {
    expect(commandName('Woot')).toBe('woot');
  });

  it('says what to do with an invalid one', () => {
    expect(() => commandName('!woot')).toThrow(/not '!woot'/);
    expect(() => commandName('two words')).toThrow(/not valid/);
  });
});
