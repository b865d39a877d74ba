import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchema, schemaFiles } from './jsonSchema';

const dir = join(__dirname, 'schema');

describe('committed JSON Schema files', () => {
  const generated = schemaFiles();

  it('exist for every envelope type and nothing else', () => {
    const committed = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
    expect(committed).toEqual(Object.keys(generated).sort());
  });

  it.each(Object.keys(schemaFiles()))('%s matches the zod definition (run `npm run schema` if not)', (name) => {
    expect(readFileSync(join(dir, name), 'utf8')).toBe(renderSchema(generated[name]));
  });

  it('describe the ZenIRCBot privmsg envelope', () => {
    const schema = generated['out.privmsg.json'] as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'type', 'data']));
    expect(schema.properties.version).toEqual(expect.objectContaining({ const: 1 }));
  });
});
