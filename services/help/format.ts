/**
 * What the help service says, as pure functions of the live service records:
 * the `!help` list, one command's usage, the `!services` line, and the
 * ZenIRCBot-style `commands` / `services` private answers.
 */
import type { CommandInfo, ServiceRecord } from '@zenrelay/protocol';

/** A command and the service answering it. */
export interface OwnedCommand {
  service: string;
  command: CommandInfo;
}

/** Every registered command, sorted by command then service. */
export function allCommands(services: readonly ServiceRecord[]): OwnedCommand[] {
  return services
    .flatMap((s) => s.commands.map((command) => ({ service: s.name, command })))
    .sort((a, b) => a.command.name.localeCompare(b.command.name) || a.service.localeCompare(b.service));
}

/** The services that answer `name` (case-insensitive). */
export function ownersOf(services: readonly ServiceRecord[], name: string): OwnedCommand[] {
  const wanted = name.toLowerCase();
  return allCommands(services).filter((c) => c.command.name.toLowerCase() === wanted);
}

function usageOf(command: CommandInfo, prefix: string): string {
  return command.usage && command.usage.trim() !== '' ? command.usage : `${prefix}${command.name}`;
}

/** `!help`: one line naming every command. */
export function commandListLine(services: readonly ServiceRecord[], prefix: string): string {
  const names = [...new Set(allCommands(services).map((c) => `${prefix}${c.command.name.toLowerCase()}`))];
  if (names.length === 0) return 'No commands are registered right now.';
  return `Commands: ${names.join(', ')}. Say ${prefix}help <command> for more.`;
}

/** `!help <command>`: usage and help of each service answering it. */
export function commandHelpLines(services: readonly ServiceRecord[], name: string, prefix: string): string[] {
  const owners = ownersOf(services, name);
  if (owners.length === 0) return [`No command ${prefix}${name.toLowerCase()}. Say ${prefix}help for the list.`];
  return owners.map(({ service, command }) => {
    const help = command.help && command.help.trim() !== '' ? ` - ${command.help}` : '';
    return `${usageOf(command, prefix)}${help} (${service})`;
  });
}

/**
 * `!services`: one line naming every live service, with its number of live
 * replicas when there is more than one (`hello ×3`).
 */
export function serviceListLine(services: readonly ServiceRecord[], replicas: ReadonlyMap<string, number> = new Map()): string {
  if (services.length === 0) return 'No services are running.';
  const label = (s: ServiceRecord) => {
    const count = replicas.get(s.name) ?? 1;
    const name = count > 1 ? `${s.name} ×${count}` : s.name;
    return s.description ? `${name} (${s.description})` : name;
  };
  return `Services: ${services.map(label).join(', ')}`;
}

/** ZenIRCBot's `commands` answer, one private line per command: `<service>: <name> - <description>`. */
export function zenircbotCommandLines(services: readonly ServiceRecord[], prefix: string): string[] {
  return allCommands(services).map(({ service, command }) => {
    const description = command.help && command.help.trim() !== '' ? command.help : usageOf(command, prefix);
    return `${service}: ${command.name} - ${description}`;
  });
}

/** ZenIRCBot's `services` answer: one private line per service name. */
export function zenircbotServiceLines(services: readonly ServiceRecord[]): string[] {
  return services.map((s) => s.name);
}
