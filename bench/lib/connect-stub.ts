/** A stand-in for the Amazon Connect API that answers every request with 200 `{}` and counts them by path. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectStub {
  readonly endpoint: string;
  /** Requests by `<method> <path>`, e.g. `POST /contact/stop` (StopContact). */
  readonly calls: Map<string, number>;
  close(): Promise<void>;
}

export async function startConnectStub(): Promise<ConnectStub> {
  const calls = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const key = `${request.method} ${request.url}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
