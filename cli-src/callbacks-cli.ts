/**
 * `cdk-connect-callback-management callbacks list|show|cancel`: the callbacks API (src/callbacks-api.ts) from a
 * terminal, signed with the user's own AWS credentials (Signature Version 4, service `execute-api`, which is what the
 * API's IAM authorization checks). The API's URL is given, or read from the outputs of the stack that holds the
 * construct (CloudFormation DescribeStacks, signed the same way, service `cloudformation`).
 *
 * The package has no runtime dependencies: the signer (@smithy/signature-v4), the credential chain
 * (@aws-sdk/credential-provider-node: environment, shared config and credentials files with profiles and SSO, web
 * identity, ECS and EC2 roles) and the region lookup (@smithy/core/config) are bundled into assets/cli/callbacks.js at
 * build time by projenrc/bundle-handlers.ts, as the handlers are. The state machine stays in the handlers: this file
 * only sends requests and prints answers.
 */
import { createHash, createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS, loadConfig } from '@smithy/core/config';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CallbackDetail } from '../lambda-src/shared/callbacks-api';

/** The description of the construct's URL output (CALLBACKS_API_URL_OUTPUT_DESCRIPTION in src/callbacks-api.ts; a test checks they agree). */
export const CALLBACKS_API_URL_OUTPUT_DESCRIPTION = 'URL of the callbacks API of cdk-connect-callback-management';

export const USAGE = `usage: cdk-connect-callback-management callbacks list   (--url URL | --stack NAME) [options]
       cdk-connect-callback-management callbacks show   <recordId> (--url URL | --stack NAME) [options]
       cdk-connect-callback-management callbacks cancel <recordId> (--url URL | --stack NAME) [options]

Lists the callbacks waiting in the construct's queue, shows one, or cancels one, through the construct's callbacks API
(enableCallbacksApi: true), signing each request with your AWS credentials (the usual chain: environment, profiles,
SSO, roles). Numbers are masked: the API never returns a whole number.
  --url URL            the API's URL (the stack output whose description is "${CALLBACKS_API_URL_OUTPUT_DESCRIPTION}")
  --stack NAME         read the URL from this CloudFormation stack's outputs instead
  --output-key KEY     which output, when the stack has several callbacks APIs
  --region REGION      default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, or the URL's
  --profile PROFILE    the credentials and config profile (default: AWS_PROFILE, or "default")
  --limit N            list at most N callbacks (default: all)
  --json               print the API's JSON instead of a table`;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** A mistake in the command line: usage is printed and the exit code is 2. */
class UsageError extends Error {}
/** The API or AWS said no: the message is printed and the exit code is 1. */
class RequestFailed extends Error {}

const VALUE_OPTIONS = ['--url', '--stack', '--output-key', '--region', '--profile', '--limit'];
const FLAGS = ['--json'];

interface Command {
  readonly action: 'list' | 'show' | 'cancel';
  readonly recordId?: string;
  readonly options: Record<string, string>;
  readonly json: boolean;
}

function parse(args: readonly string[]): Command {
  const [action, ...rest] = args;
  if (action !== 'list' && action !== 'show' && action !== 'cancel') {
    throw new UsageError(action === undefined ? 'no callbacks command given' : `unknown callbacks command: ${action}`);
  }
  const options: Record<string, string> = {};
  const positional: string[] = [];
  let json = false;
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index];
    if (FLAGS.includes(arg)) {
      json = true;
    } else if (VALUE_OPTIONS.includes(arg)) {
      const value = rest[index + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      if (options[arg] !== undefined) throw new UsageError(`${arg} is given twice`);
      options[arg] = value;
      index++;
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown argument: ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  const wantsId = action !== 'list';
  if (positional.length !== (wantsId ? 1 : 0)) {
    throw new UsageError(wantsId ? `callbacks ${action} needs exactly one record id` : `unexpected argument: ${positional[0]}`);
  }
  if ((options['--url'] === undefined) === (options['--stack'] === undefined)) throw new UsageError('give --url or --stack (one of them)');
  if (options['--output-key'] !== undefined && options['--stack'] === undefined) throw new UsageError('--output-key goes with --stack');
  if (options['--limit'] !== undefined && (action !== 'list' || !/^[1-9]\d*$/.test(options['--limit']))) {
    throw new UsageError(action !== 'list' ? '--limit goes with callbacks list' : `--limit must be a whole number of at least 1, got ${options['--limit']}`);
  }
  const recordId = positional[0];
  if (recordId !== undefined && !/^[A-Za-z0-9-]{1,256}$/.test(recordId)) throw new UsageError(`not a record id (a contact id): ${recordId}`);
  return { action, recordId, options, json };
}

// -- signing --------------------------------------------------------------------------------------------------------

/** SHA-256 (keyed: HMAC) on node:crypto, in the Checksum shape SignatureV4 takes. */
class Sha256 {
  private hash;
  constructor(private readonly secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
}

interface Signer {
  send(service: string, url: URL, method: string, body?: string, contentType?: string): Promise<{ status: number; text: string }>;
}

function createSigner(region: string, profile: string | undefined): Signer {
  const credentials = defaultProvider(profile === undefined ? {} : { profile });
  return {
    async send(service, url, method, body, contentType) {
      const query: Record<string, string> = {};
      url.searchParams.forEach((value, key) => {
        query[key] = value;
      });
      const request = {
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: url.pathname,
        query,
        headers: {
          host: url.host,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': contentType ?? 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
        } as Record<string, string>,
        body,
      };
      let signed;
      try {
        signed = await new SignatureV4({ service, region, credentials, sha256: Sha256 as never }).sign(request);
      } catch (error) {
        throw new RequestFailed(`no AWS credentials to sign with: ${(error as Error).message}`);
      }
      return sendRequest(url, method, signed.headers as Record<string, string>, body);
    },
  };
}

function sendRequest(url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method, headers, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('timeout', () => request.destroy(new Error('no answer in 30 seconds')));
    request.on('error', (error) => reject(new RequestFailed(`${url.host} could not be reached: ${error.message}`)));
    request.end(body);
  });
}

// -- where the API is -----------------------------------------------------------------------------------------------

/** The region of an execute-api URL (`<api id>.execute-api.<region>.amazonaws.com[.cn]`), if it is one. */
function regionOfApiUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return /^https:\/\/[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?(?:\/|$)/.exec(url)?.[1];
}

async function resolveRegion(command: Command, env: NodeJS.ProcessEnv): Promise<string> {
  const given = command.options['--region'] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (given) return given;
  try {
    const profile = command.options['--profile'];
    return await loadConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, ...(profile ? { profile } : {}) })();
  } catch {
    const fromUrl = regionOfApiUrl(command.options['--url']);
    if (fromUrl) return fromUrl;
    throw new UsageError('no region: give --region, or set AWS_REGION, or a region in your AWS profile');
  }
}

function cloudFormationEndpoint(region: string, env: NodeJS.ProcessEnv): URL {
  // The SDKs' service-specific endpoint variable, then the global one (AWS SDKs and Tools reference, "Service-specific endpoints").
  const override = env.AWS_ENDPOINT_URL_CLOUDFORMATION ?? env.AWS_ENDPOINT_URL;
  if (override) return new URL(override);
  return new URL(`https://cloudformation.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`);
}

function xmlText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, '\'').replace(/&#(\d+);/g, (_all, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? xmlText(match[1]) : undefined;
}

/**
 * The API's URL from the stack's outputs. DescribeStacks (the query protocol: POST, form-encoded Action and
 * Version=2010-05-15, an XML answer with Stacks.member[].Outputs.member[] of OutputKey, OutputValue, Description).
 */
async function urlFromStack(signer: Signer, region: string, command: Command, env: NodeJS.ProcessEnv): Promise<string> {
  const stack = command.options['--stack'];
  const body = new URLSearchParams({ Action: 'DescribeStacks', StackName: stack, Version: '2010-05-15' }).toString();
  const { status, text } = await signer.send('cloudformation', cloudFormationEndpoint(region, env), 'POST', body, 'application/x-www-form-urlencoded; charset=utf-8');
  if (status !== 200) {
    throw new RequestFailed(`CloudFormation DescribeStacks of ${stack} failed (${status}): ${xmlElement(text, 'Code') ?? ''} ${xmlElement(text, 'Message') ?? text}`.trim());
  }
  const outputs = [...(xmlElement(text, 'Outputs') ?? '').matchAll(/<member>([\s\S]*?)<\/member>/g)].map(([, member]) => ({
    key: xmlElement(member, 'OutputKey') ?? '',
    value: xmlElement(member, 'OutputValue') ?? '',
    description: xmlElement(member, 'Description'),
  }));
  const wanted = command.options['--output-key'];
  const candidates = wanted !== undefined
    ? outputs.filter((o) => o.key === wanted)
    : outputs.filter((o) => o.description === CALLBACKS_API_URL_OUTPUT_DESCRIPTION);
  if (candidates.length === 1) return candidates[0].value;
  if (wanted !== undefined) throw new RequestFailed(`stack ${stack} has no output ${wanted}`);
  if (candidates.length === 0) throw new RequestFailed(`stack ${stack} has no callbacks API URL output: is enableCallbacksApi true in it?`);
  throw new RequestFailed(`stack ${stack} has ${candidates.length} callbacks APIs; choose one with --output-key (${candidates.map((c) => c.key).join(', ')})`);
}

// -- the API --------------------------------------------------------------------------------------------------------

/** What the API answers for one callback (a list's entries carry the summary's fields only). */
type CallbackView = CallbackDetail;

async function callApi(signer: Signer, base: string, method: string, path: string, query: Record<string, string>, body?: object): Promise<any> {
  const url = new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const { status, text } = await signer.send('execute-api', url, method, body === undefined ? undefined : JSON.stringify(body));
  let parsed: any;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = { error: text };
  }
  if (status === 403) {
    throw new RequestFailed(`the API refused the request (403): ${parsed.message ?? parsed.Message ?? parsed.error ?? text}. `
      + 'Do your credentials have execute-api:Invoke on it (grantList for list and show, grantCancel for cancel)?');
  }
  if (status >= 400 && status !== 409) throw new RequestFailed(`${method} ${path} failed (${status}): ${parsed.error ?? parsed.message ?? text}`);
  return { status, body: parsed };
}

/** '42s', '3m', '2h 5m', '1d 4h'. */
export function humanAge(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
}

function describeOne(callback: CallbackView): string[] {
  const lines = [
    ['record id', callback.recordId],
    ['state', callback.resolution ? `${callback.state} (${callback.resolution})` : callback.state],
    ['number', callback.phone],
    ['booked', `${callback.createdAt} (${humanAge(callback.ageSeconds)} ago)`],
    ['callback contact', callback.callbackContactId ?? 'not known yet'],
    ...(callback.cancelledAt ? [['cancelled', `${callback.cancelledAt}${callback.cancelledBy ? ` by ${callback.cancelledBy}` : ''}`]] : []),
    ...(callback.completedAt ? [['completed', callback.completedAt]] : []),
    ...(callback.flag ? [['flagged', callback.flag]] : []),
  ];
  return table(lines);
}

async function run(command: Command, io: CliIo): Promise<number> {
  const region = await resolveRegion(command, io.env);
  const signer = createSigner(region, command.options['--profile']);
  const base = command.options['--url'] ?? await urlFromStack(signer, region, command, io.env);

  if (command.action === 'list') {
    const wanted = command.options['--limit'] === undefined ? Infinity : Number(command.options['--limit']);
    const callbacks: CallbackView[] = [];
    let nextToken: string | undefined;
    do {
      const page = Math.min(100, wanted - callbacks.length);
      const { body } = await callApi(signer, base, 'GET', '/callbacks', { limit: String(page), ...(nextToken ? { nextToken } : {}) });
      callbacks.push(...body.callbacks);
      nextToken = body.nextToken;
    } while (nextToken && callbacks.length < wanted);
    if (command.json) {
      io.out(JSON.stringify({ callbacks }, null, 2));
    } else if (callbacks.length === 0) {
      io.out('No callbacks are waiting.');
    } else {
      const rows = [['RECORD ID', 'STATE', 'NUMBER', 'AGE', 'CALLBACK CONTACT', 'FLAG']];
      for (const c of callbacks) rows.push([c.recordId, c.state, c.phone, humanAge(c.ageSeconds), c.callbackContactId ?? '(not known yet)', c.flag ?? '']);
      for (const line of table(rows)) io.out(line);
      io.out(`${callbacks.length} waiting callback${callbacks.length === 1 ? '' : 's'}${nextToken ? ' (more not shown: --limit)' : ''}`);
    }
    return 0;
  }

  if (command.action === 'show') {
    const { body } = await callApi(signer, base, 'GET', '/callbacks', { recordId: command.recordId! });
    if (command.json) io.out(JSON.stringify(body, null, 2));
    else for (const line of describeOne(body.callback)) io.out(line);
    return 0;
  }

  const { status, body } = await callApi(signer, base, 'POST', '/callbacks/cancel', {}, { recordId: command.recordId });
  if (command.json) {
    io.out(JSON.stringify(body, null, 2));
  } else if (status === 409) {
    io.err(`Not cancelled: ${body.error}.`);
    for (const line of describeOne(body.callback)) io.err(line);
  } else {
    const what = body.result === 'ALREADY_CANCELLED' ? 'was already cancelled' : 'is cancelled';
    const queue = body.removedFromQueue
      ? 'It has been removed from the queue.'
      : body.callback.callbackContactId === undefined
        ? 'Its callback contact is not known yet: it is removed from the queue as soon as it is (contact event or CTR).'
        : 'It could not be removed from the queue just now: run the command again (the reconciler also retries it).';
    io.out(`Callback ${command.recordId} ${what}. ${queue}`);
  }
  return status === 409 ? 1 : 0;
}

/** The `callbacks` command; `args` are the words after `callbacks`. Returns the exit code. */
export async function runCallbacksCommand(args: readonly string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  let command: Command;
  try {
    command = parse(args);
    return await run(command, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof RequestFailed) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
