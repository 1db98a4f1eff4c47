/**
 * Bundles each handler in lambda-src/handlers/<name>.ts into assets/lambda/<name>/index.js, and the CLI's callbacks
 * command (cli-src/callbacks-cli.ts) into assets/cli/callbacks.js.
 *
 * Runs in the pre-compile step, so the published package carries ready-made assets and a
 * consumer's `cdk synth` needs neither esbuild nor Docker. Handler dependencies (AWS SDK v3,
 * libphonenumber-js) are bundled in, never left to the runtime's copy, so what we test is what runs.
 * The esbuild metafiles go to .cache/bundle-meta/ (not shipped) for the size benchmark.
 */
import * as fs from 'fs';
import * as path from 'path';
import { build } from 'esbuild';
import { HANDLER_BUNDLE_OPTIONS, HANDLER_BUNDLE_PLUGINS } from './handler-bundle-options';

const root = path.resolve(__dirname, '..');
const handlersDir = path.join(root, 'lambda-src', 'handlers');
const assetsDir = path.join(root, 'assets', 'lambda');
const metaDir = path.join(root, '.cache', 'bundle-meta');
const cliSource = path.join(root, 'cli-src', 'callbacks-cli.ts');
const cliOutfile = path.join(root, 'assets', 'cli', 'callbacks.js');

const entries = fs.readdirSync(handlersDir)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => path.basename(file, '.ts'))
  .sort();

if (entries.length === 0) {
  throw new Error(`no handlers found in ${handlersDir}`);
}

fs.rmSync(assetsDir, { recursive: true, force: true });
fs.mkdirSync(metaDir, { recursive: true });

async function main(): Promise<void> {
  for (const name of entries) {
    const outfile = path.join(assetsDir, name, 'index.js');
    const result = await build({
      ...HANDLER_BUNDLE_OPTIONS,
      plugins: HANDLER_BUNDLE_PLUGINS,
      entryPoints: [path.join(handlersDir, `${name}.ts`)],
      outfile,
    });
    fs.writeFileSync(path.join(metaDir, `${name}.json`), JSON.stringify(result.metafile));
    const size = fs.statSync(outfile).size;
    console.log(`bundled ${name}: ${(size / 1024).toFixed(1)} KB`);
  }

  // The CLI's `callbacks` command, with the SigV4 signer and the credential chain it needs bundled in: the package has
  // no runtime dependencies. It runs on the user's Node.js (the package's minimum, 20), not on Lambda's.
  fs.rmSync(path.dirname(cliOutfile), { recursive: true, force: true });
  const cli = await build({
    ...HANDLER_BUNDLE_OPTIONS,
    target: 'node20',
    entryPoints: [cliSource],
    outfile: cliOutfile,
  });
  fs.writeFileSync(path.join(metaDir, 'cli-callbacks.json'), JSON.stringify(cli.metafile));
  console.log(`bundled the callbacks CLI: ${(fs.statSync(cliOutfile).size / 1024).toFixed(1)} KB`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
