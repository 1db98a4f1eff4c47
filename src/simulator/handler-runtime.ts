/**
 * Loads the shipped handler bundles (assets/lambda/<name>/index.js) in-process, each with a fresh module
 * instance and its own environment. A bundle is self-contained CommonJS; it is compiled in a wrapper whose
 * `process` has the function's environment as `env`, so the handler's cold-start settings and the SDK's
 * endpoint, region and credential lookups see exactly what the function would see, and nothing leaks
 * into (or from) the host's process.env.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import * as vm from 'vm';

export type LoadedHandler = (event: unknown) => Promise<unknown>;

const compiled = new Map<string, (...args: unknown[]) => void>();

/** assets/ sits beside lib/ (published) and src/ (tests). */
export function bundlePath(handler: string): string {
  return path.join(__dirname, '..', '..', 'assets', 'lambda', handler, 'index.js');
}

export interface LoadOptions {
  /**
   * The function's clock (epoch milliseconds) for `Date` inside the bundle, e.g. the simulator's simulated time for a
   * function that judges ages (the reconciler); the host's clock by default.
   */
  readonly clock?: () => number;
  /** A user's deployment runs its own staged asset (simulate --app); the library's bundle by default. */
  readonly bundleFile?: string;
}

export function loadBundledHandler(
  handler: string,
  env: Record<string, string>,
  logSink?: (line: string) => void,
  options: LoadOptions = {},
): LoadedHandler {
  const { clock, bundleFile } = options;
  const file = bundleFile ?? bundlePath(handler);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run \`npx projen bundle\` first`);
  }
  // Compiled once per file; each call of the wrapper runs the bundle's top level again: a fresh module instance.
  let wrapper = compiled.get(file);
  if (!wrapper) {
    const source = fs.readFileSync(file, 'utf8');
    wrapper = vm.runInThisContext(
      `(function (exports, require, module, __filename, __dirname, process, console, Date) {${source}\n})`,
      { filename: file },
    ) as (...args: unknown[]) => void;
    compiled.set(file, wrapper);
  }
  const write = (...args: unknown[]) => logSink?.(args.map(String).join(' '));
  const functionProcess = Object.create(process, {
    env: { value: { ...env }, enumerable: true, writable: true },
    ...(logSink ? {
      emitWarning: { value: (warning: unknown) => write(`warning: ${String(warning)}`) },
      // What a handler writes to stdout itself (its embedded-format metrics lines) goes to the sink too.
      stdout: { value: { write: (chunk: unknown) => { for (const line of String(chunk).split('\n').filter(Boolean)) write(line); return true; } } },
    } : {}),
  });
  const module = { exports: {} as Record<string, unknown> };
  const functionConsole = logSink ? { ...console, log: write, info: write, warn: write, error: write, debug: write } : console;
  wrapper(module.exports, createRequire(file), module, file, path.dirname(file), functionProcess, functionConsole, clock ? clockedDate(clock) : Date);
  const handlerFn = module.exports.handler;
  if (typeof handlerFn !== 'function') throw new Error(`${file} exports no handler`);
  return handlerFn as LoadedHandler;
}

/** A Date whose `now` (and `new Date()` without arguments) is `clock`; everything else is the real Date's. */
function clockedDate(clock: () => number): DateConstructor {
  class ClockedDate extends Date {
    static now(): number {
      return clock();
    }

    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock());
      else super(...(args as [string | number | Date]));
    }
  }
  return ClockedDate as unknown as DateConstructor;
}
