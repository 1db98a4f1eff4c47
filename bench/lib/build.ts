/**
 * Builds what the bench runs outside its own process: the cold-start runner, and the minimal baseline
 * handlers, bundled with the shipped handlers' options (still checked by rebuilding one shipped handler and
 * comparing it with its asset byte for byte, which also catches a stale asset).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build, buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { ROOT, bundlePath, handlerNames } from './handlers';
import { HANDLER_BUNDLE_OPTIONS, HANDLER_BUNDLE_PLUGINS } from '../../projenrc/handler-bundle-options';

/**
 * A directory of this run's own: .cache/ may be shared by several checkouts of the project (worktrees link it), and
 * a second bench starting meanwhile must not replace the bundles this one is timing.
 */
export const BUILD_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'callback-bench-'));
process.once('exit', () => fs.rmSync(BUILD_DIR, { recursive: true, force: true }));

/** The options the shipped handlers are bundled with (projenrc/bundle-handlers.ts). */
export const SHIPPED_BUNDLE_OPTIONS: BuildOptions = HANDLER_BUNDLE_OPTIONS;

/** The minimal handlers (one per request mix a handler path sends), the size floors, and the probes, in bench/cold/. */
export const MINIMAL_HANDLERS = [
  'minimal-transact-write', 'minimal-connect', 'minimal-cancel', 'minimal-learn',
  'minimal-update-item', 'minimal-stop-contact', 'minimal-noop', 'probe-intl-time-zone', 'probe-phone', 'probe-lazy-connect',
] as const;
export type MinimalHandler = typeof MINIMAL_HANDLERS[number];

export interface BenchBuild {
  readonly runner: string;
  /**
   * Each shipped handler bundled again here, with its metafile (what the size section reads): .cache/bundle-meta/ may
   * be another checkout's. Building it again also checks that assets/lambda/ holds exactly lambda-src's bundles.
   */
  readonly handlers: Record<string, { readonly metafile: Metafile; readonly matchesAsset: boolean }>;
  readonly minimal: Record<MinimalHandler, { readonly file: string; readonly bytes: number; readonly metafile: Metafile }>;
  /** Whether rebuilding the shipped update-callback with SHIPPED_BUNDLE_OPTIONS and the plugins gives its asset byte for byte. */
  readonly optionsMatchShipped: boolean;
}

/** Bundles `entry` exactly as projenrc/bundle-handlers.ts bundles a handler (its plugins included). */
async function bundle(entry: string, outfile: string): Promise<Metafile> {
  const result = await build({ ...SHIPPED_BUNDLE_OPTIONS, plugins: HANDLER_BUNDLE_PLUGINS, entryPoints: [entry], outfile });
  if (!result.metafile) throw new Error(`esbuild gave no metafile for ${entry}`);
  return result.metafile;
}

export async function buildBench(): Promise<BenchBuild> {
  const coldDir = path.join(ROOT, 'bench', 'cold');

  const runner = path.join(BUILD_DIR, 'runner.js');
  buildSync({ entryPoints: [path.join(coldDir, 'runner.ts')], outfile: runner, bundle: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });

  const minimal = {} as Record<MinimalHandler, { file: string; bytes: number; metafile: Metafile }>;
  for (const name of MINIMAL_HANDLERS) {
    const file = path.join(BUILD_DIR, name, 'index.js');
    const metafile = await bundle(path.join(coldDir, `${name}.ts`), file);
    minimal[name] = { file, bytes: fs.statSync(file).size, metafile };
  }

  const handlers: BenchBuild['handlers'] = {};
  for (const name of handlerNames()) {
    const file = path.join(BUILD_DIR, 'handlers', name, 'index.js');
    const metafile = await bundle(path.join(ROOT, 'lambda-src', 'handlers', `${name}.ts`), file);
    handlers[name] = { metafile, matchesAsset: fs.readFileSync(file).equals(fs.readFileSync(bundlePath(name))) };
  }
  // update-callback is the handler the plugins change: its rebuild reproducing its asset shows the options are the shipped ones.
  const optionsMatchShipped = handlers['update-callback']?.matchesAsset ?? false;

  return { runner, minimal, handlers, optionsMatchShipped };
}
