import { clientTagAllowed } from './clientTags';
import { withLabel, withoutTags } from './deliveryTracker';

describe('clientTagAllowed (CLIENTTAGDENY)', () => {
  it('allows every tag without a deny list', () => {
    expect(clientTagAllowed(undefined, '+draft/reply')).toBe(true);
    expect(clientTagAllowed('', '+draft/reply')).toBe(true);
  });
  it('denies listed tags, and all under * except the -exceptions', () => {
    expect(clientTagAllowed('draft/typing,draft/reply', '+draft/reply')).toBe(false);
    expect(clientTagAllowed('draft/typing', '+draft/reply')).toBe(true);
    expect(clientTagAllowed('*', '+draft/reply')).toBe(false);
    expect(clientTagAllowed('*,-draft/reply', '+draft/reply')).toBe(true);
  });
});

describe('line tags', () => {
  it('adds a label to an existing tag section or makes one', () => {
    expect(withLabel('PRIVMSG #a :x', 'zr1')).toBe('@label=zr1 PRIVMSG #a :x');
    expect(withLabel('@+draft/reply=m1 PRIVMSG #a :x', 'zr2')).toBe('@label=zr2;+draft/reply=m1 PRIVMSG #a :x');
    expect(withLabel('PRIVMSG #a :x', undefined)).toBe('PRIVMSG #a :x');
  });
  it('drops the tag section for a connection without message-tags', () => {
    expect(withoutTags('@+draft/reply=m1 PRIVMSG #a :x')).toBe('PRIVMSG #a :x');
    expect(withoutTags('PRIVMSG #a :x')).toBe('PRIVMSG #a :x');
    expect(withoutTags('@+draft/reply=m1;batch=b1;draft/multiline-concat PRIVMSG #a :x')).toBe('@batch=b1;draft/multiline-concat PRIVMSG #a :x');
  });
});
