// A cap on the connections one server process holds open (STEWARD_MAX_CONNECTIONS): past it, a new connection is
// closed at once, so that a flood of idle connections cannot take the file descriptors the store, the store socket
// and the logs need. Drops are logged at most once every DROP_LOG_INTERVAL_MS, with how many there were since, so that
// a flood does not become one of log lines too.
import type { Server } from 'node:net';

export const DROP_LOG_INTERVAL_MS = 60_000;

export interface DropLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export function capConnections(server: Server, maxConnections: number, log: DropLog, now: () => number = Date.now): void {
  server.maxConnections = maxConnections;
  let dropped = 0;
  let loggedAt = -Infinity;
  server.on('drop', (data) => {
    dropped++;
    const at = now();
    if (at - loggedAt < DROP_LOG_INTERVAL_MS) return;
    log.warn(
      { max_connections: maxConnections, dropped, remote_address: data?.remoteAddress },
      'connection refused: this process holds STEWARD_MAX_CONNECTIONS connections open',
    );
    loggedAt = at;
    dropped = 0;
  });
}
