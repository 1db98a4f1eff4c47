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

/**
 * The handler modules that import @aws-sdk/client-connect, and the commands each uses: connect-client.ts, which
 * lambda-src/shared/contact-stopper.ts requires on a handler's first StopContact, and hours-check.ts, which only the
 * write-callback-hours asset has.
 */
const CONNECT_IMPORTERS: ReadonlyArray<{ readonly importer: RegExp; readonly commands: readonly string[] }> = [
  { importer: /[\\/]lambda-src[\\/]shared[\\/]connect-client\.ts$/, commands: ['StopContactCommand'] },
  { importer: /[\\/]lambda-src[\\/]shared[\\/]hours-check\.ts$/, commands: ['GetEffectiveHoursOfOperationsCommand'] },
];

/**
 * lambda-src/shared/connect-client.ts is required on a handler's first StopContact, so esbuild wraps it, and every
 * module it imports, in a module initialised on first use (which is what keeps the Connect client's module from
 * running at load). A wrapped module that imports the package's index keeps everything the index re-exports
 * (`export *` of every command, paginator and the aggregated client: about 50 KB here); so that one import resolves
 * to the modules it uses. Every other importer of the package gets the same treatment, for the same size, and so that
 * the package's modules are reached one way only (the index next to the wrapped modules left a constructor
 * uninitialised in write-callback-hours). A value imported there that these do not export fails the bundle, never a
 * handler.
 */
export const LAZY_CONNECT_CLIENT_PLUGIN: Plugin = {
  name: 'lazy-connect-client',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/client-connect$/ }, (args) => {
      const known = CONNECT_IMPORTERS.findIndex((entry) => entry.importer.test(args.importer));
      return known < 0 ? undefined
        : { path: `importer-${known}`, namespace: 'lazy-connect-client', pluginData: { resolveDir: args.resolveDir, known } };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-connect-client' }, (args) => {
      const { resolveDir, known } = args.pluginData as { resolveDir: string; known: number };
      return {
        contents: [
          "export { ConnectClient } from '@aws-sdk/client-connect/dist-es/ConnectClient.js';",
          ...CONNECT_IMPORTERS[known].commands.map((command) => `export { ${command} } from '@aws-sdk/client-connect/dist-es/commands/${command}.js';`),
        ].join('\n'),
        resolveDir,
        loader: 'js',
      };
    });
  },
};

/** The plugins of the handlers' bundles (esbuild runs plugins in its asynchronous API only). */
export const HANDLER_BUNDLE_PLUGINS: Plugin[] = [LAZY_CONNECT_CLIENT_PLUGIN];
