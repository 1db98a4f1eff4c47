/**
 * Starts Amazon DynamoDB Local (a Java program) in memory on a loopback port: the one launcher of the handler tests,
 * the benchmarks and the simulator's `--dynamodb-local-dir`. The simulator's default, for users with only Node.js, is
 * the embedded store in embedded-dynamodb.ts.
 */
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { dynamoDbCall } from './local-services';

/** What installs DynamoDB Local into defaultDynamoDbLocalDir(), for error messages. */
export const DYNAMODB_LOCAL_SETUP_COMMAND = '`bash scripts/setup-test-deps.sh` (npx projen test:deps)';

export interface DynamoDbLocalOptions {
  /** The folder with DynamoDBLocal-<version>.jar, its dependencies and libsqlite4java. @default defaultDynamoDbLocalDir() */
  readonly libDir?: string;
  /** @default a free loopback port */
  readonly port?: number;
  /** Heap, stack and JIT settings; callers tune them for a fast start or for a steady state. */
  readonly jvmOptions?: readonly string[];
  /** @default 60 s */
  readonly startupDeadlineMs?: number;
}

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The DynamoDB Local version, from its jar's name. */
  readonly version: string;
  stop(): Promise<void>;
}

/** Where `npx projen test:deps` puts DynamoDB Local in a checkout of this repository. */
export function defaultDynamoDbLocalDir(): string {
  return path.join(__dirname, '..', '..', '.cache', 'dynamodb-local', 'lib');
}

function dynamoDbLocalJar(libDir: string): string | undefined {
  return fs.existsSync(libDir) ? fs.readdirSync(libDir).find((name) => /^DynamoDBLocal-.*\.jar$/.test(name)) : undefined;
}

export function hasDynamoDbLocal(libDir: string): boolean {
  return dynamoDbLocalJar(libDir) !== undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Give up on a graceful stop after this long, so a stuck JVM cannot hang whoever waits for it. */
const STOP_GRACE_MS = 10_000;

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningDynamoDbLocal> {
  const libDir = options.libDir ?? defaultDynamoDbLocalDir();
  const jar = dynamoDbLocalJar(libDir);
  if (!jar) throw new Error(`DynamoDB Local is not installed in ${libDir}: run ${DYNAMODB_LOCAL_SETUP_COMMAND} first`);
  const port = options.port ?? await freePort();
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const child = spawn(java, [
    ...(options.jvmOptions ?? ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1']),
    // DynamoDB Local looks for libsqlite4java here first; without it, it extracts a copy embedded in its jar
    // into the temp directory on every start (and leaves it behind if the JVM is killed).
    `-Dorg.sqlite.lib.path=${libDir}`,
    `-Djava.library.path=${libDir}`,
    '-cp', path.join(libDir, '*'),
    'software.amazon.dynamodb.services.local.main.ServerRunner',
    // No telemetry: nothing may depend on (or wait for) anything outside this machine.
    '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (text: string) => {
    tail = (tail + text).slice(-2000);
  };
  // Both streams are drained: a full pipe would block the JVM.
  child.stdout?.on('data', (chunk: Buffer) => keep(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString()));
  const ended = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', (error) => {
      keep(`\n${java}: ${error.message} (Java 17 or later is required)`);
      resolve();
    });
  });

  const stop = async () => {
    if (hasExited(child)) return;
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.kill('SIGTERM');
    await ended;
    clearTimeout(force);
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const deadlineMs = options.startupDeadlineMs ?? 60_000;
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline && !hasExited(child)) {
    try {
      await dynamoDbCall(endpoint, 'ListTables', {});
      return { endpoint, port, version: jar.replace(/^DynamoDBLocal-(.*)\.jar$/, '$1'), stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const why = hasExited(child) ? 'exited' : `did not answer within ${deadlineMs / 1000} s`;
  child.kill('SIGKILL');
  // The JVM's last words (or the spawn error) arrive after it is gone; the message needs them.
  await ended;
  throw new Error(`DynamoDB Local ${why} at ${endpoint} (installed by ${DYNAMODB_LOCAL_SETUP_COMMAND}):\n${tail}`);
}
