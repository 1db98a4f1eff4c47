/**
 * Builds what the bench runs outside its own process: the cold-start runner, and the minimal baseline
 * handlers, bundled with the shipped handlers' options (still checked by rebuilding one shipped handler and
 * comparing it with its asset byte for byte, which also catches a stale asset).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { ROOT, bundlePath } from './handlers';
import { HANDLER_BUNDLE_OPTIONS } from '../../projenrc/handler-bundle-options';

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
  'minimal-update-item', 'minimal-stop-contact', 'minimal-noop', 'probe-intl-time-zone', 'probe-phone',
] as const;
export type MinimalHandler = typeof MINIMAL_HANDLERS[number];

export interface BenchBuild {
  readonly runner: string;
  readonly minimal: Record<MinimalHandler, { readonly file: string; readonly bytes: number; readonly metafile: Metafile }>;
  /** Whether rebuilding the shipped write-callback with SHIPPED_BUNDLE_OPTIONS gives its asset byte for byte. */
  readonly optionsMatchShipped: boolean;
}

function bundle(entry: string, outfile: string): Metafile {
  const result = buildSync({ ...SHIPPED_BUNDLE_OPTIONS, entryPoints: [entry], outfile });
  if (!result.metafile) throw new Error(`esbuild gave no metafile for ${entry}`);
  return result.metafile;
}

export function buildBench(): BenchBuild {
  const coldDir = path.join(ROOT, 'bench', 'cold');

  const runner = path.join(BUILD_DIR, 'runner.js');
  buildSync({ entryPoints: [path.join(coldDir, 'runner.ts')], outfile: runner, bundle: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });

  const minimal = Object.fromEntries(MINIMAL_HANDLERS.map((name) => {
    const file = path.join(BUILD_DIR, name, 'index.js');
    const metafile = bundle(path.join(coldDir, `${name}.ts`), file);
    return [name, { file, bytes: fs.statSync(file).size, metafile }];
  })) as BenchBuild['minimal'];

  const check = path.join(BUILD_DIR, 'check', 'write-callback.js');
  bundle(path.join(ROOT, 'lambda-src', 'handlers', 'write-callback.ts'), check);
  const optionsMatchShipped = fs.readFileSync(check).equals(fs.readFileSync(bundlePath('write-callback')));

  return { runner, minimal, optionsMatchShipped };
}
