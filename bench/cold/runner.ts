/**
 * A fresh Node.js process's Lambda-like cold start: load one handler module, serve one event, report.
 * Run as `node runner.js <module> ` with the event JSON in BENCH_EVENT; the timings go to file descriptor 3
 * as one JSON line (stdout and stderr belong to the handler's logs).
 * Times are milliseconds from the process's time origin (its start).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

async function main(): Promise<void> {
  const modulePath = process.argv[2];
  const event: unknown = JSON.parse(process.env.BENCH_EVENT ?? '{}');
  const loadStart = performance.now();
  const loaded = createRequire(__filename)(modulePath) as { handler: (input: unknown) => Promise<Record<string, string>> };
  const loadEnd = performance.now();
  const reply = await loaded.handler(event);
  const invokeEnd = performance.now();
  fs.writeSync(3, `${JSON.stringify({ loadStart, loadEnd, invokeEnd, reply })}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  fs.writeSync(3, `${JSON.stringify({ error: String(error) })}\n`);
  process.exit(1);
});
