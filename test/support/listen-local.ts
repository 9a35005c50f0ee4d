import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LocalListener {
  url: string;
  /** Stops listening, drops every open connection (a hung one included) and clears `timers`. */
  close(): Promise<void>;
}

/**
 * Starts a test stand-in's HTTP server on a free port of 127.0.0.1, keeping track of its
 * connections so that closing it never waits for a client that holds one open.
 *
 * @param timers the stand-in's pending timers (delayed or never-sent answers), cleared on close.
 */
export async function listenLocal(server: Server, timers: Set<NodeJS.Timeout> = new Set()): Promise<LocalListener> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
