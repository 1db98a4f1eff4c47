/**
 * 2b. Bundle sizes, and what fills them, from the esbuild metafile of the bench's own rebuild of each handler (bytes
 * each input contributes to the minified output; the rebuild must be the asset byte for byte). The goal of each bundle: at
 * most the minimal handler's bundle with the same AWS clients (bench/cold/, bundled the same way) + 10%, or the
 * README names the dependency that keeps it above and says why it stays; then the bundle without that dependency must
 * still be within the goal, so that nothing else can grow behind it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Metafile } from 'esbuild';
import type { BenchBuild, MinimalHandler } from '../lib/build';
import { bundlePath, handlerNames, ROOT } from '../lib/handlers';
import { gateFigure, type Goal, type SectionReport } from '../lib/report';
import { kb } from '../lib/stats';

/** The section's title, also its key in the regression gate's data: keep it stable. */
export const BUNDLE_TITLE = '2b. Bundle sizes';

const HEADROOM = 1.10;

/**
 * The README's list of dependencies that keep a bundle above its goal (each item starts with the package in
 * backticks, and says why it stays), under this heading in its Benchmarks section.
 */
export const README_HEADING = '### Dependencies that keep a bundle above its goal';

/** The package an input belongs to (`@scope/name` or `name`), or its top folder for the project's own code. */
function packageOf(input: string): string {
  // The plugin's stand-in for the Connect client's index (projenrc/handler-bundle-options.ts) belongs to the client.
  if (input.startsWith('lazy-connect-client:')) return '@aws-sdk/client-connect';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1];
  return `${input.split('/')[0]}/ (own code)`;
}

/** Coarser groups, to say what fills a bundle. */
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

/** Which AWS SDK clients a bundle carries, and the minimal handler that carries the same ones (its size floor). */
function floorOf(row: BundleRow): { clients: string; floor: MinimalHandler } {
  const has = (pkg: string) => row.packages.some(([name]) => name === pkg);
  const dynamodb = has('@aws-sdk/client-dynamodb');
  const connect = has('@aws-sdk/client-connect');
  if (dynamodb && connect) return { clients: 'DynamoDB + Connect', floor: 'minimal-cancel' };
  if (connect) return { clients: 'Connect', floor: 'minimal-stop-contact' };
  return { clients: dynamodb ? 'DynamoDB' : 'none', floor: dynamodb ? 'minimal-update-item' : 'minimal-noop' };
}

/** The packages the README's list names (the first `backticked` word of each item under README_HEADING). */
export function excusedPackages(readme: string): string[] {
  const start = readme.indexOf(README_HEADING);
  if (start < 0) return [];
  const rest = readme.slice(start + README_HEADING.length);
  const end = rest.search(/\n#{1,3} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^- `([^`]+)`/gm)].map((match) => match[1]);
}

/** The Connect client's schema module (every Connect operation's shapes, kept whole by the bundler), where a bundle has it. */
function connectSchemaNote(rows: BundleRow[]): string[] {
  const withSchema = rows.map((row) => ({ row, input: row.topInputs.find(([input]) => /client-connect\/dist-es\/schemas\//.test(input)) }))
    .filter((entry) => entry.input !== undefined);
  if (withSchema.length === 0) return [];
  const [name, bytes] = withSchema[0].input!;
  return [`${withSchema.map((entry) => entry.row.name).join(', ')} each carry ${name} (${kb(bytes)}): the shapes of every Connect operation, `
    + 'whichever operations the handler calls. The floors with the Connect client carry it too.'];
}

const share = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)}%`;

export function runBundleSize(build: BenchBuild): { rows: BundleRow[]; report: SectionReport } {
  const started = Date.now();
  const rows = handlerNames().map((name) => {
    const rebuilt = build.handlers[name];
    if (!rebuilt?.matchesAsset) throw new Error(`assets/lambda/${name}/index.js is not lambda-src's bundle as it stands: run \`npx projen bundle\``);
    return analyse(name, rebuilt.metafile, fs.statSync(bundlePath(name)).size);
  }).sort((a, b) => b.bytes - a.bytes);
  const floors = new Map<MinimalHandler, BundleRow>();
  const floorRow = (name: MinimalHandler) => {
    if (!floors.has(name)) floors.set(name, analyse(name, build.minimal[name].metafile, build.minimal[name].bytes));
    return floors.get(name)!;
  };
  const excused = excusedPackages(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

  const goals: Goal[] = rows.map((row) => {
    const { clients, floor } = floorOf(row);
    const limit = floorRow(floor).bytes * HEADROOM;
    const named = row.packages.filter(([pkg]) => excused.includes(pkg));
    const excusedBytes = named.reduce((sum, [, bytes]) => sum + bytes, 0);
    const over = row.bytes > limit;
    // A bundle above its goal may stand on a dependency the README names; what remains must still be within it.
    const counted = over ? row.bytes - excusedBytes : row.bytes;
    const ownBytes = row.packages.filter(([pkg]) => pkg.endsWith('(own code)')).reduce((sum, [, bytes]) => sum + bytes, 0);
    const aboveFloor = row.packages.filter(([pkg]) => !floorRow(floor).packages.some(([name]) => name === pkg));
    return {
      name: `bundle size ${row.name}`,
      target: `≤ ${kb(limit)} (${floor}, the ${clients} client floor, + 10%), or the README names the dependency`,
      measured: over && named.length > 0 ? `${kb(row.bytes)}; ${kb(counted)} without ${named.map(([pkg]) => pkg).join(', ')} (named in the README)` : kb(row.bytes),
      met: counted <= limit,
      limitedBy: `${kb(row.bytes - floorRow(floor).bytes)} above the floor of ${kb(floorRow(floor).bytes)}: `
        + `${aboveFloor.slice(0, 3).map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`).join(', ') || 'nothing outside the floor\'s packages'}; own code ${kb(ownBytes)}`,
      gate: gateFigure([counted], limit),
    };
  });

  const floorList = [...floors.values()];
  return {
    rows,
    report: {
      title: BUNDLE_TITLE,
      method: [
        'Sizes of assets/lambda/<name>/index.js; the breakdown is each input\'s bytesInOutput from the esbuild metafile of the bench\'s own rebuild of',
        'each handler (byte for byte its asset),',
        'summed by package and then by group. Each bundle\'s floor is the minimal handler with the same AWS clients (bench/cold/: a client built at',
        'load and one request), bundled with the same options: the smallest any handler with those clients can be. A bundle above its floor + 10%',
        `meets its goal only where the README's "${README_HEADING.replace(/^#+ /, '')}" list names the dependency, and the bundle without it is within the goal.`,
      ].join(' '),
      tables: [
        {
          caption: 'Size and what fills it',
          table: {
            headers: ['bundle', 'size', 'floor', 'largest groups', 'largest inputs'],
            right: [1],
            rows: [...rows, ...floorList].map((row) => [
              floorList.includes(row) ? `${row.name} (floor, bench only)` : row.name,
              kb(row.bytes),
              floorList.includes(row) ? '—' : `${floorOf(row).floor} ${kb(floorRow(floorOf(row).floor).bytes)}`,
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
          + `chain, which pulls in SSO/STS/login clients that Lambda, with credentials in its environment, never uses): ${kb(floorRow('minimal-update-item').bytes)} before any code of ours.`,
        ...connectSchemaNote(rows),
        `The README names: ${excused.length > 0 ? excused.map((pkg) => `\`${pkg}\``).join(', ') : 'no dependency'}.`,
        'A lazily loaded module (the Connect client of the handlers that need it on one path only) is still in the bundle: it only runs later.',
      ],
      goals,
      seconds: (Date.now() - started) / 1000,
    },
  };
}
