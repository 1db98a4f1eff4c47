/**
 * The shipped handler bundles (assets/lambda/<name>/index.js) and the environment the construct gives
 * them. Each load is a fresh module instance: handlers read their settings and build their SDK
 * clients at module load, as in a Lambda cold start.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ASSET_DIR = path.join(ROOT, 'assets', 'lambda');
const SOURCE_DIR = path.join(ROOT, 'lambda-src');

/** Every handler in lambda-src/handlers/, each shipped as assets/lambda/<name>/index.js. */
export function handlerNames(): string[] {
  return fs.readdirSync(path.join(SOURCE_DIR, 'handlers'))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.basename(file, '.ts'))
    .sort();
}

export type HandlerName = string;

export const INSTANCE_ID = '11111111-2222-4333-8444-555555555555';
export const INSTANCE_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}`;
export const QUEUE_ARN = `${INSTANCE_ARN}/queue/66666666-7777-4888-9999-000000000000`;
export const TABLE_NAME = 'CallbackTable';
export const COMPLETED_TTL_SECONDS = 24 * 3600;

/** What the construct sets on every function (its defaults, with a US time zone). */
export const CONSTRUCT_ENV: Record<string, string> = {
  TABLE_NAME,
  QUEUE_ARN,
  INSTANCE_ARN,
  DEFAULT_COUNTRY: 'US',
  COMPLETED_RECORD_TTL_SECONDS: String(COMPLETED_TTL_SECONDS),
  ALLOW_CANCEL_FOR_OTHER_NUMBER: 'false',
  TIME_ZONE: 'America/New_York',
  // The construct always sets these: every invocation pays for its metrics line, as it does in Lambda.
  METRICS_NAMESPACE: 'CallbackManagement',
  METRICS_SERVICE: 'bench',
};

/** Region, dummy credentials and endpoint overrides, as a Lambda environment would give them (without the role). */
export function awsEnv(endpoints: { dynamodb: string; connect: string }): Record<string, string | undefined> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_CONNECT: endpoints.connect,
  };
}

export function applyEnv(env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

export function bundlePath(name: HandlerName): string {
  return path.join(ASSET_DIR, name, 'index.js');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Why the bundles cannot be measured as they are (missing, or older than lambda-src/), or undefined. */
export function bundleProblem(): string | undefined {
  const sources = newestMtime(SOURCE_DIR);
  for (const name of handlerNames()) {
    const file = bundlePath(name);
    if (!fs.existsSync(file)) return `${path.relative(ROOT, file)} is missing`;
    if (fs.statSync(file).mtimeMs < sources) return `${path.relative(ROOT, file)} is older than lambda-src/`;
  }
  return undefined;
}

const load = createRequire(__filename);

/** A fresh instance of a bundled module; `process.env` must already hold its settings. */
export function loadBundle<T>(file: string): T {
  const resolved = load.resolve(file);
  delete load.cache[resolved];
  const loaded = load(resolved) as T;
  delete load.cache[resolved];
  return loaded;
}

export type FlowHandler = (event: unknown) => Promise<Record<string, string>>;

export function loadHandler<T = FlowHandler>(name: HandlerName): T {
  const loaded = loadBundle<{ handler?: T }>(bundlePath(name));
  if (typeof loaded.handler !== 'function') throw new Error(`${bundlePath(name)} exports no handler`);
  return loaded.handler;
}

/**
 * Handlers log one JSON line per call. In Lambda that is a write to the runtime's log pipe; here each
 * line is written synchronously to /dev/null, so the formatting and the write are paid but nothing
 * floods the bench's output.
 */
export function silenceHandlerLogs(): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((method) => console[method]);
  const devNull = fs.openSync('/dev/null', 'w');
  for (const method of methods) {
    console[method] = (...args: unknown[]) => {
      fs.writeSync(devNull, `${args.map(String).join(' ')}\n`);
    };
  }
  // The handlers' metrics lines (lambda-src/shared/metrics.ts) go to stdout itself; the bench's tables too, so only
  // a metrics line is sent to /dev/null.
  const savedWrite = process.stdout.write;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && chunk.startsWith('{"_aws":')) {
      fs.writeSync(devNull, chunk);
      return true;
    }
    return (savedWrite as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  return () => {
    methods.forEach((method, index) => {
      console[method] = saved[index];
    });
    process.stdout.write = savedWrite;
    fs.closeSync(devNull);
  };
}
