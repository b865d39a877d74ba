import { readFileSync } from 'node:fs';
import { ConfigError } from './ConfigError';
import { redactUrlValue } from './log';

/**
 * Parsers for environment values. Each one either returns a typed value or
 * throws a ConfigError that names the variable and says what it expects.
 */

export type Env = Record<string, string | undefined>;

/** One environment variable: its name, default, meaning, and how to read it. */
export interface Setting<T> {
  variable: string;
  /** Default as written in the environment; undefined means required. */
  default: string | undefined;
  description: string;
  parse(raw: string, variable: string): T;
}

/** Declares a setting: its variable, default (undefined = required), meaning and parser. */
export function setting<T>(variable: string, def: string | undefined, description: string, parse: Setting<T>['parse']): Setting<T> {
  return { variable, default: def, description, parse };
}

export function read<T>(env: Env, setting: Setting<T>): T {
  const given = env[setting.variable];
  const raw = given === undefined || given.trim() === '' ? setting.default : given.trim();
  if (raw === undefined) throw new ConfigError(setting.variable, 'is required but not set');
  return setting.parse(raw, setting.variable);
}

export const text = (raw: string): string => raw;

export function optionalText(raw: string): string | undefined {
  return raw === '' ? undefined : raw;
}

export function bool(raw: string, variable: string): boolean {
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(variable, `must be true or false, got ${JSON.stringify(raw)}`);
}

/** Says which side of the allowed range `n` missed: `must be 0 or more`, `must be 65535 or less`. */
function checkRange(n: number, min: number, max: number, variable: string): number {
  if (n < min) throw new ConfigError(variable, `must be ${min} or more (at most ${max}), got ${n}`);
  if (n > max) throw new ConfigError(variable, `must be ${max} or less (at least ${min}), got ${n}`);
  return n;
}

export function integer(min: number, max: number) {
  return (raw: string, variable: string): number => {
    if (!/^-?\d+$/.test(raw)) throw new ConfigError(variable, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return checkRange(Number(raw), min, max, variable);
  };
}

export function decimal(min: number, max: number) {
  return (raw: string, variable: string): number => {
    const n = Number(raw);
    if (!/^-?\d+(\.\d+)?$/.test(raw) || !Number.isFinite(n)) {
      throw new ConfigError(variable, `must be a number from ${min} to ${max} (like 0.5), got ${JSON.stringify(raw)}`);
    }
    return checkRange(n, min, max, variable);
  };
}

export function list(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function listOf(check: (item: string) => string | undefined) {
  return (raw: string, variable: string): string[] => {
    const items = list(raw);
    for (const item of items) {
      const problem = check(item);
      if (problem) throw new ConfigError(variable, problem);
    }
    return items;
  };
}

export function redisUrl(raw: string, variable: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, `must be a URL like redis://127.0.0.1:6379, got ${JSON.stringify(redactUrlValue(raw))} (a password in it must be URL-encoded: %2F for /, %40 for @)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(variable, `must start with redis:// or rediss://, got ${JSON.stringify(redactUrlValue(raw))}`);
  }
  return raw;
}

export function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string, variable: string): T => {
    const v = raw.toLowerCase() as T;
    if (!values.includes(v)) throw new ConfigError(variable, `must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
    return v;
  };
}

/**
 * A path to a readable PEM file (a CA, a certificate or a key); '' = unset.
 * Checked when the settings are read, so a wrong path fails at start naming
 * the variable, not later as a TLS error.
 */
export function pemFile(what: string) {
  return (raw: string, variable: string): string | undefined => {
    if (raw === '') return undefined;
    let content: string;
    try {
      content = readFileSync(raw, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(variable, `cannot read ${JSON.stringify(raw)} (${code}): set it to the path of a PEM file holding ${what}`);
    }
    if (!content.includes('-----BEGIN ')) throw new ConfigError(variable, `${JSON.stringify(raw)} is not a PEM file (no -----BEGIN line): set it to ${what}, PEM-encoded`);
    return raw;
  };
}
