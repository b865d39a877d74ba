import { renderCommand, serviceLine, templateProblem } from './nickserv';

describe('NickServ command templates', () => {
  it('fills in {nick} and {password}', () => {
    expect(renderCommand('IDENTIFY {nick} {password}', { nick: 'zen', password: 's3cret' })).toBe('IDENTIFY zen s3cret');
    expect(renderCommand('REGAIN {nick} {password}', { nick: 'zen', password: 'p w' })).toBe('REGAIN zen p w');
  });

  it('leaves no gap for an empty password', () => {
    expect(renderCommand('GHOST {nick} {password}', { nick: 'zen', password: '' })).toBe('GHOST zen');
  });

  it('rejects unknown placeholders and line breaks', () => {
    expect(templateProblem('IDENTIFY {account} {password}')).toMatch(/unknown placeholder \{account\}/);
    expect(templateProblem('IDENTIFY {password}\r\nQUIT')).toBe('must be one line');
    expect(templateProblem('LOGIN {nick} {password}')).toBeUndefined();
  });

  it('sends to the configured service', () => {
    expect(serviceLine('NickServ@services.example', 'IDENTIFY zen x')).toBe('PRIVMSG NickServ@services.example :IDENTIFY zen x');
  });
});
