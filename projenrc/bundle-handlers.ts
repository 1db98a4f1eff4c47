/**
 * Bundles each handler in lambda-src/handlers/<name>.ts into assets/lambda/<name>/index.js.
 *
 * Runs in the pre-compile step, so the published package carries ready-made assets and a
 * consumer's `cdk synth` needs neither esbuild nor Docker. Handler dependencies (AWS SDK v3,
 * libphonenumber-js) are bundled in, never left to the runtime's copy, so what we test is what runs.
 * The esbuild metafiles go to .cache/bundle-meta/ (not shipped) for the size benchmark.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

/** Must match the Lambda runtime the construct deploys (NODEJS_24_X). */
const LAMBDA_NODE_TARGET = 'node24';

const root = path.resolve(__dirname, '..');
const handlersDir = path.join(root, 'lambda-src', 'handlers');
const assetsDir = path.join(root, 'assets', 'lambda');
const metaDir = path.join(root, '.cache', 'bundle-meta');

const entries = fs.readdirSync(handlersDir)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => path.basename(file, '.ts'))
  .sort();

if (entries.length === 0) {
  throw new Error(`no handlers found in ${handlersDir}`);
}

fs.rmSync(assetsDir, { recursive: true, force: true });
fs.mkdirSync(metaDir, { recursive: true });

for (const name of entries) {
  const outfile = path.join(assetsDir, name, 'index.js');
  const result = buildSync({
    entryPoints: [path.join(handlersDir, `${name}.ts`)],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: LAMBDA_NODE_TARGET,
    format: 'cjs',
    // Prefer the ES module builds: the AWS SDK's CommonJS builds defeat tree shaking and double the bundles.
    mainFields: ['module', 'main'],
    // Those builds load node:http lazily with import(); as require() the bundle is plain CommonJS that any
    // loader runs, including jest's module sandbox that the handler tests load the shipped bundles in.
    supported: { 'dynamic-import': false },
    // The SDK's optional CRT bindings are never used by these clients.
    external: ['aws-crt', '@aws-sdk/signature-v4-crt'],
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(metaDir, `${name}.json`), JSON.stringify(result.metafile));
  const size = fs.statSync(outfile).size;
  console.log(`bundled ${name}: ${(size / 1024).toFixed(1)} KB`);
}
