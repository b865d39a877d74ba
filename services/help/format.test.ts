import type { ServiceRecord } from '@zenrelay/protocol';
import { commandHelpLines, commandListLine, ownersOf, serviceListLine, zenircbotCommandLines, zenircbotServiceLines } from './format';

const services: ServiceRecord[] = [
  { version: 1, name: 'help', description: 'Lists things', commands: [{ name: 'help', usage: '!help [command]', help: 'List commands' }] },
  { version: 1, name: 'hello', description: '', commands: [{ name: 'woot', usage: '!woot', help: 'Agree' }] },
  { version: 1, name: 'py', description: 'a Python client', commands: [{ name: 'Woot' }, { name: 'ping', usage: '', help: '' }] },
];

describe('help texts', () => {
  it('list each command once, sorted, with the prefix', () => {
    expect(commandListLine(services, '!')).toBe('Commands: !help, !ping, !woot. Say !help <command> for more.');
    expect(commandListLine([], '!')).toBe('No commands are registered right now.');
  });

  it('show usage and help per owning service, falling back to the prefixed name', () => {
    expect(commandHelpLines(services, 'WOOT', '!')).toEqual(['!woot - Agree (hello)', '!Woot (py)']);
    expect(commandHelpLines(services, 'ping', '.')).toEqual(['.ping (py)']);
    expect(commandHelpLines(services, 'nope', '!')).toEqual(['No command !nope. Say !help for the list.']);
  });

  it('find the owners of a command case-insensitively', () => {
    expect(ownersOf(services, 'woot').map((o) => o.service)).toEqual(['hello', 'py']);
    expect(ownersOf(services, 'missing')).toEqual([]);
  });

  it('list services with their descriptions', () => {
    expect(serviceListLine(services)).toBe('Services: help (Lists things), hello, py (a Python client)');
    expect(serviceListLine([])).toBe('No services are running.');
  });

  it('say how many replicas of a service are live when there are several', () => {
    const replicas = new Map([['help', 3], ['hello', 1]]);
    expect(serviceListLine(services, replicas)).toBe('Services: help ×3 (Lists things), hello, py (a Python client)');
  });

  it("answer ZenIRCBot's commands and services like register_commands", () => {
    expect(zenircbotCommandLines(services, '!')).toEqual(['help: help - List commands', 'py: ping - !ping', 'hello: woot - Agree', 'py: Woot - !Woot']);
    expect(zenircbotServiceLines(services)).toEqual(['help', 'hello', 'py']);
  });
});
