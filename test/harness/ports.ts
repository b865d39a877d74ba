/**
 * Free loopback ports for test servers.
 *
 * The kernel picks an unused port when we bind 127.0.0.1:0; we read it and
 * close the socket again. Another process could still grab the port before our
 * server binds it, so server starters retry with a new port when the server
 * reports "address in use" (see managedServer.ts).
 */
import { createServer } from 'node:net';

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`freePort: unexpected listen address ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
