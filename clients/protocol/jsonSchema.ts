import { z } from 'zod';
import { auditEvent } from './audit';
import { errorEvent } from './errors';
import { inboundEventSchemas } from './inbound';
import { receiptEvent } from './notices';
import { outboundCommandSchemas } from './outbound';
import { rpcRequestEvent, rpcResponseEvent } from './rpc';

/**
 * JSON Schema (draft 2020-12) for every envelope, generated from the zod
 * definitions so clients in other languages can validate what they send and
 * receive. The files in clients/protocol/schema/ are this output, committed;
 * `npm run schema` rewrites them and a test fails when they are stale.
 */

export type SchemaFiles = Record<string, unknown>;

function toSchema(schema: z.ZodType, id: string): unknown {
  return { $id: id, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
}

export function schemaFiles(): SchemaFiles {
  const files: SchemaFiles = {};
  for (const [type, schema] of Object.entries(inboundEventSchemas)) files[`in.${type}.json`] = toSchema(schema, `zenrelay/in/${type}`);
  for (const [type, schema] of Object.entries(outboundCommandSchemas)) files[`out.${type}.json`] = toSchema(schema, `zenrelay/out/${type}`);
  files['errors.error.json'] = toSchema(errorEvent, 'zenrelay/errors/error');
  files['receipts.receipt.json'] = toSchema(receiptEvent, 'zenrelay/receipts/receipt');
  files['audit.audit.json'] = toSchema(auditEvent, 'zenrelay/audit/audit');
  files['rpc.request.json'] = toSchema(rpcRequestEvent, 'zenrelay/rpc/request');
  files['rpc.response.json'] = toSchema(rpcResponseEvent, 'zenrelay/rpc/response');
  return files;
}

export function renderSchema(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
