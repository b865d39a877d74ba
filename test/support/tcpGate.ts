/**
 * A transparent TCP forwarder with a gate, placed between the bridge and a
 * real server (IRC or Redis) so a test can decide *when* the bridge gets
 * through after an outage, without racing the bridge's reconnect timers.
 *
 * It changes no byte: every accepted connection is piped to the real server.
 * While the gate is closed, new connections are accepted but held (paused,
 * nothing read or forwarded) until `open()`, or, with `whenClosed: 'refuse'`,
 * dropped at once as if the server were down; connections already piped are
 * not touched. When either side closes or fails, the other side is closed
 * too, so a server crash looks like a crash to the bridge.
 */
import { createServer, Server, Socket, connect } from 'node:net';

export interface TcpGate {
  /** The loopback port to point the bridge at. */
  readonly port: number;
  readonly isOpen: boolean;
  /** Connections accepted so far (held ones included). */
  readonly accepted: number;
  /** Connections waiting behind the closed gate right now. */
  readonly held: number;
  /** Lets held and new connections through to the server. */
  open(): void;
  /** Holds new connections (existing ones stay up). */
  close(): void;
  /** Cuts every connection going through the gate (held ones too), as a network failure would. */
  dropAll(): void;
  /** Stops listening and destroys every connection. */
  stop(): Promise<void>;
}

/** Starts a gate (open by default) forwarding 127.0.0.1:<free port> to 127.0.0.1:targetPort. */
export async function startTcpGate(
  targetPort: number,
  { open = true, whenClosed = 'hold' }: { open?: boolean; whenClosed?: 'hold' | 'refuse' } = {},
): Promise<TcpGate> {
  const sockets = new Set<Socket>();
  const waiting: Socket[] = [];
  let isOpen = open;
  let accepted = 0;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const forward = (down: Socket): void => {
    if (down.destroyed) return;
    const up = connect({ host: '127.0.0.1', port: targetPort });
    track(up);
    up.setNoDelay(true);
    up.once('connect', () => {
      down.pipe(up);
      up.pipe(down);
      down.resume();
    });
    // pipe() ends the other side on a clean close (so buffered bytes still go out);
    // after an error or a close without end, destroy it.
    const closeOther = (other: Socket) => () => {
      if (other.destroyed) return;
      other.end();
      setTimeout(() => other.destroy(), 1000).unref();
    };
    up.once('close', closeOther(down));
    down.once('close', closeOther(up));
  };

  const server: Server = createServer({ pauseOnConnect: true }, (down) => {
    accepted++;
    track(down);
    down.setNoDelay(true);
    if (isOpen) forward(down);
    else if (whenClosed === 'refuse') down.destroy();
    else waiting.push(down);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('tcp gate: no port');
  server.unref();

  return {
    port: address.port,
    get isOpen() {
      return isOpen;
    },
    get accepted() {
      return accepted;
    },
    get held() {
      return waiting.filter((s) => !s.destroyed).length;
    },
    open() {
      isOpen = true;
      for (const down of waiting.splice(0)) forward(down);
    },
    close() {
      isOpen = false;
    },
    dropAll() {
      for (const socket of sockets) socket.destroy();
    },
    async stop() {
      isOpen = false;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
