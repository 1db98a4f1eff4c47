/**
 * 2b. Bundle sizes, and what fills them, from the esbuild metafiles that projenrc/bundle-handlers.ts writes to
 * .cache/bundle-meta/<name>.json (bytes each input contributes to the minified output).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Metafile } from 'esbuild';
import type { BenchBuild } from '../lib/build';
import { bundlePath, handlerNames, META_DIR } from '../lib/handlers';
import type { Goal, SectionReport } from '../lib/report';
import { kb } from '../lib/stats';

const GOAL_BYTES = 150 * 1024;

/** The package an input belongs to (`@scope/name` or `name`), or its top folder for the project's own code. */
function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1];
  return `${input.split('/')[0]}/ (own code)`;
}

/** Coarser groups, to say what would have to go for a bundle to shrink. */
function groupOf(pkg: string): string {
  if (pkg === '@aws-sdk/client-connect') return 'Connect client (@aws-sdk/client-connect)';
  if (pkg === '@aws-sdk/client-dynamodb' || pkg === '@aws-sdk/dynamodb-codec') return 'DynamoDB client (@aws-sdk/client-dynamodb)';
  if (/credential-provider|nested-clients|token-providers|^@aws-sdk\/signin/.test(pkg)) return 'SDK credential chain (SSO, STS, INI, login, IMDS...)';
  if (pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/') || pkg.startsWith('@aws/') || pkg === 'mnemonist' || pkg === 'tslib') return 'SDK runtime (@smithy/*, @aws-sdk/core, ...)';
  if (pkg === 'libphonenumber-js') return 'libphonenumber-js (metadata.min)';
  return pkg;
}

export interface BundleRow {
  readonly name: string;
  readonly bytes: number;
  readonly groups: Array<[string, number]>;
  readonly packages: Array<[string, number]>;
  readonly topInputs: Array<[string, number]>;
}

function analyse(name: string, metafile: Metafile, bytes: number): BundleRow {
  const output = Object.values(metafile.outputs)[0];
  const packages = new Map<string, number>();
  const groups = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = packageOf(input);
    packages.set(pkg, (packages.get(pkg) ?? 0) + bytesInOutput);
    groups.set(groupOf(pkg), (groups.get(groupOf(pkg)) ?? 0) + bytesInOutput);
  }
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  const topInputs = Object.entries(output.inputs)
    .map(([input, { bytesInOutput }]) => [input.replace(/^node_modules\//, ''), bytesInOutput] as [string, number])
    .sort((a, b) => b[1] - a[1]).slice(0, 3);
  return { name, bytes, groups: sorted(groups), packages: sorted(packages), topInputs };
}

/** The Connect client's schema module (every Connect operation's shapes, kept whole by the bundler), where a bundle has it. */
function connectSchemaNote(rows: BundleRow[]): string[] {
  const withSchema = rows.map((row) => ({ row, input: row.topInputs.find(([input]) => /client-connect\/dist-es\/schemas\//.test(input)) }))
    .filter((entry) => entry.input !== undefined);
  if (withSchema.length === 0) return [];
  const [name, bytes] = withSchema[0].input!;
  return [`${withSchema.map((entry) => entry.row.name).join(', ')} each carry ${name} (${kb(bytes)}): the shapes of every Connect operation, `
    + 'whichever operations the handler calls.'];
}

const share = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)}%`;

export function runBundleSize(build: BenchBuild): { rows: BundleRow[]; floor: BundleRow; report: SectionReport } {
  const started = Date.now();
  const rows = handlerNames().map((name) => {
    const metafile = JSON.parse(fs.readFileSync(path.join(META_DIR, `${name}.json`), 'utf8')) as Metafile;
    return analyse(name, metafile, fs.statSync(bundlePath(name)).size);
  }).sort((a, b) => b.bytes - a.bytes);
  const floor = analyse('minimal-update-item', build.minimal['minimal-update-item'].metafile, build.minimal['minimal-update-item'].bytes);
  const sdkOf = (row: BundleRow) => row.groups.filter(([group]) => /client|SDK/.test(group)).reduce((sum, [, bytes]) => sum + bytes, 0);
  const groupBytes = (row: BundleRow, prefix: string) => row.groups.find(([group]) => group.startsWith(prefix))?.[1] ?? 0;

  const goals: Goal[] = rows.map((row) => {
    const [first, second] = row.groups;
    const connect = groupBytes(row, 'Connect client');
    const ideas: string[] = [];
    if (connect > 0) ideas.push(`its Connect call(s) as signed HTTPS requests instead of @aws-sdk/client-connect: −${kb(connect)}`);
    if (sdkOf(row) > 0) ideas.push(`the SDK from the Lambda runtime (@aws-sdk/* external): −${kb(sdkOf(row))}, leaving ${kb(row.bytes - sdkOf(row))}`);
    const phone = groupBytes(row, 'libphonenumber');
    if (phone > 0) ideas.push(`phone metadata for the supported countries only, or none (Connect validates entered numbers): up to −${kb(phone)}`);
    return {
      name: `bundle size ${row.name}`,
      target: '≤ 150 KB minified',
      measured: kb(row.bytes),
      met: row.bytes <= GOAL_BYTES,
      limitedBy: `${first ? `${first[0]} ${kb(first[1])}` : ''}${second ? `, ${second[0]} ${kb(second[1])}` : ''}`
        + `${row.bytes > GOAL_BYTES && ideas.length > 0 ? `; would shrink: ${ideas.join('; ')}` : ''}`,
    };
  });

  return {
    rows,
    floor,
    report: {
      title: '2b. Bundle sizes',
      method: [
        'Sizes of assets/lambda/<name>/index.js; the breakdown is each input\'s bytesInOutput from the esbuild metafiles in .cache/bundle-meta/,',
        'summed by package and then by group. "SDK floor": bench/cold/minimal-update-item.ts (a DynamoDB client and one UpdateItem) bundled with the',
        `same options is ${kb(floor.bytes)}, the smallest any handler using @aws-sdk/client-dynamodb v3 can be.`,
      ].join(' '),
      tables: [
        {
          caption: 'Size and what fills it',
          table: {
            headers: ['bundle', 'size', '≤ 150 KB', 'largest groups', 'largest inputs'],
            right: [1],
            rows: [...rows, floor].map((row) => [
              row === floor ? `${row.name} (SDK floor, bench only)` : row.name,
              kb(row.bytes),
              row === floor ? '—' : (row.bytes <= GOAL_BYTES ? 'met' : 'not met'),
              row.groups.slice(0, 3).map(([group, bytes]) => `${group} ${kb(bytes)} (${share(bytes, row.bytes)})`).join('; '),
              row.topInputs.map(([input, bytes]) => `${input} ${kb(bytes)}`).join('; '),
            ]),
          },
        },
        {
          caption: 'Top packages per bundle',
          table: {
            headers: ['bundle', 'top packages by bytes in output'],
            rows: rows.map((row) => [row.name, row.packages.slice(0, 6).map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`).join('; ')]),
          },
        },
      ],
      notes: [
        'Every handler that talks to DynamoDB carries the SDK v3 client stack (protocol, signing, retries, endpoint rules and the default credential '
          + `chain, which pulls in SSO/STS/login clients that Lambda, with credentials in its environment, never uses): about ${kb(floor.bytes)} before any code of ours.`,
        ...connectSchemaNote(rows),
      ],
      goals,
      seconds: (Date.now() - started) / 1000,
    },
  };
}
