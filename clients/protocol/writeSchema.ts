import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderSchema, schemaFiles } from './jsonSchema';

/** `npm run schema`: rewrites clients/protocol/schema/ from the zod definitions. */
const dir = resolve(process.argv[2] ?? join(process.cwd(), 'clients', 'protocol', 'schema'));
mkdirSync(dir, { recursive: true });
for (const name of readdirSync(dir)) if (name.endsWith('.json')) rmSync(join(dir, name));
const files = schemaFiles();
for (const [name, schema] of Object.entries(files)) writeFileSync(join(dir, name), renderSchema(schema));
process.stdout.write(`wrote ${Object.keys(files).length} schema files to ${dir}\n`);
