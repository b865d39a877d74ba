import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body up to a size limit. A declared Content-Length over
 * the limit is refused before reading; a body that grows past it while
 * streaming is refused as soon as it does.
 */

export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true; size: number } | { ok: false; tooLarge: false; reason: string };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, tooLarge: true, size: declared });
  return new Promise<BodyResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        settle({ ok: false, tooLarge: true, size });
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => settle({ ok: true, body: Buffer.concat(chunks) }));
    req.once('error', (err) => settle({ ok: false, tooLarge: false, reason: err.message }));
    req.once('close', () => settle({ ok: false, tooLarge: false, reason: 'the client closed the connection' }));
  });
}
