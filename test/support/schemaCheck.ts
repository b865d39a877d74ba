/**
 * Checks `in` events against the committed JSON Schema
 * (clients/protocol/schema/in.<type>.json) with ajv: what a client in any
 * language validates against, not our zod types. The shared bus probe
 * (stack.ts) runs every event the bot publishes through it, and a test file
 * fails at its end when one was invalid.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

const SCHEMA_DIR = join(__dirname, '..', '..', 'clients', 'protocol', 'schema');

let validators: Map<string, ValidateFunction> | undefined;

/** One validator per `in` type, keyed by type (a Map: a type named `constructor` is just unknown). */
function inValidators(): Map<string, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  validators = new Map();
  for (const file of readdirSync(SCHEMA_DIR)) {
    const match = /^in\.(.+)\.json$/.exec(file);
    if (!match) continue;
    validators.set(match[1], ajv.compile(JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as object));
  }
  if (validators.size === 0) throw new Error(`no in.*.json schema in ${SCHEMA_DIR}; run \`npm run schema\``);
  return validators;
}

/** Why `payload` (as published on `in`) is not a valid event, or undefined when it is. */
export function inEventProblem(payload: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return 'no type';
  const validate = inValidators().get(type);
  if (!validate) return `type ${JSON.stringify(type)} has no schema in clients/protocol/schema`;
  if (validate(value)) return undefined;
  return (validate.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '(event)'} ${e.message ?? 'is invalid'}`)
    .join('; ');
}

/** Collects the invalid `in` events a test saw; `assertAllValid()` fails with them. */
export class InEventCheck {
  readonly violations: Array<{ problem: string; payload: string }> = [];

  check(payload: string): void {
    const problem = inEventProblem(payload);
    if (problem !== undefined) this.violations.push({ problem, payload: payload.length > 300 ? `${payload.slice(0, 300)}…` : payload });
  }

  assertAllValid(): void {
    if (this.violations.length === 0) return;
    const shown = this.violations.slice(0, 5).map((v) => `  ${v.problem}: ${v.payload}`);
    throw new Error(`${this.violations.length} event(s) on \`in\` do not match clients/protocol/schema:\n${shown.join('\n')}`);
  }
}
