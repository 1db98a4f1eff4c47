import type { BuildOptions, Plugin } from 'esbuild';

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

/** The module that loads the Connect client, which lambda-src/shared/contact-stopper.ts requires on first use. */
const LAZY_CONNECT_CLIENT = /[\\/]lambda-src[\\/]shared[\\/]connect-client\.ts$/;

/**
 * lambda-src/shared/connect-client.ts is required on a handler's first StopContact, so esbuild wraps it, and every
 * module it imports, in a module initialised on first use (which is what keeps the Connect client's module from
 * running at load). A wrapped module that imports the package's index keeps everything the index re-exports
 * (`export *` of every command, paginator and the aggregated client: about 50 KB here); so that one import resolves
 * to the two modules it uses. A value imported there that these do not export fails the bundle, never a handler.
 */
export const LAZY_CONNECT_CLIENT_PLUGIN: Plugin = {
  name: 'lazy-connect-client',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/client-connect$/ }, (args) => (LAZY_CONNECT_CLIENT.test(args.importer)
      ? { path: 'stop-contact', namespace: 'lazy-connect-client', pluginData: { resolveDir: args.resolveDir } }
      : undefined));
    build.onLoad({ filter: /.*/, namespace: 'lazy-connect-client' }, (args) => ({
      contents: [
        "export { ConnectClient } from '@aws-sdk/client-connect/dist-es/ConnectClient.js';",
        "export { StopContactCommand } from '@aws-sdk/client-connect/dist-es/commands/StopContactCommand.js';",
      ].join('\n'),
      resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
      loader: 'js',
    }));
  },
};

/** The plugins of the handlers' bundles (esbuild runs plugins in its asynchronous API only). */
export const HANDLER_BUNDLE_PLUGINS: Plugin[] = [LAZY_CONNECT_CLIENT_PLUGIN];
