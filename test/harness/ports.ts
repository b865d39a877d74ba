/**
 * Free loopback ports for test servers.
 *
 * The kernel picks an unused port when we bind 127.0.0.1:0; we read it and
 * close the socket again. Another process could still grab the port before our
 * server binds it, so server starters retry with a new port when the server
 * reports "address in use" (see managedServer.ts).
 */
export { freePort } from '../../clients/cli/sandbox/ports';
