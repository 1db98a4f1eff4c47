/**
 * `cdk-connect-callback-management simulate`: with no DynamoDB option it needs nothing but Node.js (the embedded
 * store, no JVM), prints every scenario, and refuses a command line it does not understand.
 */
import * as childProcess from 'child_process';
import { main } from '../../src/simulator/cli';

// Records every process started (DynamoDB Local would be one: a JVM), still starting them.
jest.mock('child_process', () => {
  const actual = jest.requireActual('child_process');
  return { ...actual, spawn: jest.fn(actual.spawn) };
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    out.push(parts.join(' '));
  });
  const error = jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    err.push(parts.join(' '));
  });
  return {
    out: () => out.join('\n'),
    err: () => err.join('\n'),
    restore: () => {
      log.mockRestore();
      error.mockRestore();
    },
  };
}

test('without a DynamoDB option every scenario runs on the embedded store, and no other process is started', async () => {
  const spawn = childProcess.spawn as unknown as jest.Mock;
  const output = capture();
  let code: number;
  try {
    code = await main(['simulate', '--quiet']);
  } finally {
    output.restore();
  }
  expect({ code, err: output.err() }).toEqual({ code: 0, err: '' });
  expect(spawn).not.toHaveBeenCalled();
  const text = output.out();
  expect(text).toMatch(/^DynamoDB: the embedded DynamoDB-compatible store at http:\/\/127\.0\.0\.1:\d+$/m);
  expect(text).toMatch(/=== 1 new caller books a callback, agent accepts, customer connected ===\nrecords: call#1 COMPLETED\(CONNECTED\)/);
  expect(text).toMatch(/=== 4 cancel after the callback id is known \(contact events on\) ===\nrecords: call#1 COMPLETED\(REMOVED_BY_API\)/);
  expect(text).toMatch(/=== 8 two callers cancelling in crossed order \(contact events off\) ===[^=]*cancel -> removal \(simulated\): call#1 54\.0s, call#2 59\.5s/);
  expect(text).toMatch(/=== 13 a cancelled callback reaches an agent \(StopContact during its whisper: REFUSED\) ===[^=]*phone rang after the cancel: call#1 no/);
  // (Records in the order the store scans them.)
  expect(text).toMatch(/=== 20 a contact event and a CTR are both lost: the reconciler repairs the record ===\nrecords: (?=[^\n]*call#1 COMPLETED\(ENDED\))(?=[^\n]*call#3 COMPLETED\(CONNECTED\))/);
  // 30 agent-first runs and 15 customer-first ones.
  expect(text).toMatch(/^50 scenario runs in [\d.]+ s \(real time\)$/m);
  expect(text).toMatch(/=== CF3 a cancel races the dial \(contact events on, StopContact while it rings: END_CONTACT\) \[customer first\] ===\nrecords: call#1 COMPLETED\(DIAL_STOPPED\)/);
  // --quiet: summaries only, no transcript lines.
  expect(text).not.toMatch(/IVR -> /);
});

test.each([
  [['simulate', '--dynamo-endpoint', 'http://127.0.0.1:8000'], /unknown argument: --dynamo-endpoint/],
  [['simulate', '--dynamodb-endpoint'], /--dynamodb-endpoint needs a value/],
  [['simulate', '--dynamodb-endpoint', 'localhost:8000'], /must be an http\(s\) URL/],
  [['simulate', '--dynamodb-endpoint', 'http://127.0.0.1:8000', '--dynamodb-local-dir', '/tmp'], /not both/],
  [['simulate', '--dynamodb-local-dir', '/nonexistent'], /no DynamoDBLocal-\*\.jar in \/nonexistent/],
  [['simulate', '--ctr-delay', 'soon'], /--ctr-delay must be a number of seconds, got soon/],
  [['simulate', '--ctr-delay', '10', '--ctr-delay', '20'], /--ctr-delay is given twice/],
  [['simulat'], /unknown command: simulat/],
  [[], /no command given/],
])('%j is refused with exit code 2 and the usage', async (args, message) => {
  const output = capture();
  let code: number;
  try {
    code = await main(args as string[]);
  } finally {
    output.restore();
  }
  expect(code).toBe(2);
  expect(output.err()).toMatch(message);
  expect(output.err()).toMatch(/usage: cdk-connect-callback-management simulate/);
  expect(output.out()).toBe('');
});

test('--help prints the usage and exits 0', async () => {
  const output = capture();
  const code = await main(['--help']).finally(output.restore);
  expect(code).toBe(0);
  expect(output.out()).toMatch(/By default the handlers' table lives in a DynamoDB-compatible store inside this process/);
});
