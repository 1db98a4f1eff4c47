/**
 * Starts Amazon DynamoDB Local (a Java program) in memory on a loopback port, for the CLI when no
 * --dynamodb-endpoint is given. The handlers need TransactWriteItems with ReturnValuesOnConditionCheckFailure,
 * which the pure-JavaScript stores on npm do not implement (dynalite 4.0.0 has no transactions at all), so a
 * Node.js-only setup must point --dynamodb-endpoint at a DynamoDB Local it runs some other way (e.g. Docker).
 */
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { dynamoDbCall } from './local-services';

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Where `npx projen test:deps` puts DynamoDB Local in a checkout of this repository. */
export function defaultDynamoDbLocalDir(): string {
  return path.join(__dirname, '..', '..', '.cache', 'dynamodb-local', 'lib');
}

export function hasDynamoDbLocal(libDir: string): boolean {
  return fs.existsSync(libDir) && fs.readdirSync(libDir).some((name) => /^DynamoDBLocal.*\.jar$/.test(name));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startDynamoDbLocal(libDir: string): Promise<RunningDynamoDbLocal> {
  const port = await freePort();
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const child: ChildProcess = spawn(java, [
    '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
    `-Dorg.sqlite.lib.path=${libDir}`, `-Djava.library.path=${libDir}`,
    '-cp', path.join(libDir, '*'),
    'software.amazon.dynamodb.services.local.main.ServerRunner',
    '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port),
  ], { stdio: 'ignore' });
  let failed: Error | undefined;
  child.on('error', (error) => {
    failed = error;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (failed) throw new Error(`cannot start DynamoDB Local with ${java}: ${failed.message}`);
    try {
      await dynamoDbCall(endpoint, 'ListTables', {});
      return { endpoint, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await stop();
  throw new Error(`DynamoDB Local did not answer at ${endpoint} within 60 s`);
}
