/**
 * Loads a handler from its TypeScript source or from its esbuild bundle (assets/lambda/<name>/index.js,
 * what actually ships), each time with fresh module state, since handlers read their settings and
 * build their SDK clients at cold start.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type HandlerVariant = 'source' | 'bundle';
export const VARIANTS: readonly HandlerVariant[] = ['source', 'bundle'];

export type HandlerName =
  | 'write-callback'
  | 'write-callback-hours'
  | 'update-callback'
  | 'ctr-processor'
  | 'contact-event-processor'
  | 'queue-outbound-whisper'
  | 'reconciler'
  | 'list-callbacks'
  | 'cancel-callback';

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_DIR = path.join(ROOT, 'lambda-src');
const ASSET_DIR = path.join(ROOT, 'assets', 'lambda');

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestSourceMtime(full) : fs.statSync(full).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/** Testing a stale bundle would pass or fail for the wrong code: refuse it loudly instead. */
function bundlePath(name: HandlerName): string {
  const file = path.join(ASSET_DIR, name, 'index.js');
  const rebuild = 'run `npx projen bundle` (or `npx ts-node --project tsconfig.dev.json projenrc/bundle-handlers.ts`)';
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${rebuild}`);
  if (fs.statSync(file).mtimeMs < newestSourceMtime(SOURCE_DIR)) throw new Error(`${file} is older than lambda-src/: ${rebuild}`);
  return file;
}

/**
 * The handler's module, loaded with `env` applied on top of process.env while its cold start runs.
 * Variables the SDK reads on each call (endpoints, region, credentials) belong in process.env for the
 * whole test file instead: see useTestAwsEnvironment.
 */
export function loadHandler<T extends (...args: never[]) => Promise<unknown>>(
  name: HandlerName,
  variant: HandlerVariant,
  env: Record<string, string | undefined> = {},
): T {
  const modulePath = variant === 'source' ? path.join(SOURCE_DIR, 'handlers', `${name}.ts`) : bundlePath(name);
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  applyEnv(env);
  try {
    let loaded: { handler?: T } = {};
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require(modulePath);
    });
    if (typeof loaded.handler !== 'function') throw new Error(`${modulePath} exports no handler`);
    return loaded.handler;
  } finally {
    applyEnv(saved);
  }
}

function applyEnv(env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** Region, dummy credentials and endpoint overrides the SDK clients in the handlers pick up. */
export function useTestAwsEnvironment(endpoints: { dynamodb?: string; connect?: string }): void {
  applyEnv({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_CONNECT: endpoints.connect,
  });
}
