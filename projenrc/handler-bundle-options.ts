import type { BuildOptions } from 'esbuild';

/** Must match the Lambda runtime the construct deploys (NODEJS_24_X). */
export const LAMBDA_NODE_TARGET = 'node24';

/**
 * How every handler is bundled into its asset: by projenrc/bundle-handlers.ts for the package, and by the
 * benchmarks for their baseline handlers, which must be built the same way to be a fair comparison.
 */
export const HANDLER_BUNDLE_OPTIONS: BuildOptions = {
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
};
