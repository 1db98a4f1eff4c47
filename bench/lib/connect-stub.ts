/** The simulator's local Connect API, answering every request with 200 `{}` and counting them by path. */
import { sendJson, startConnectApi } from '../../src/simulator/local-services';

export interface ConnectStub {
  readonly endpoint: string;
  /** Requests by `<method> <path>`, e.g. `POST /contact/stop` (StopContact). */
  readonly calls: Map<string, number>;
  close(): Promise<void>;
}

export async function startConnectStub(): Promise<ConnectStub> {
  const calls = new Map<string, number>();
  const count = (key: string) => calls.set(key, (calls.get(key) ?? 0) + 1);
  const server = await startConnectApi(() => {
    count('POST /contact/stop');
    return 'STOPPED';
  }, {
    serveOther: ({ method, url }, response) => {
      count(`${method} ${url}`);
      sendJson(response, {});
      return true;
    },
  });
  return { endpoint: server.endpoint, calls, close: () => server.close() };
}
