/**
 * `cdk-connect-callback-management callbacks list|show|cancel`, the shipped bundle (assets/cli/callbacks.js) run
 * through the package's entry point, against a local stand-in for the callbacks API that checks each request's
 * SigV4 signature (test/support/sigv4.ts recomputes it with the test's secret; it cannot check it the way AWS would)
 * and hands it, as API Gateway's HTTP API event with the signer's IAM ARN, to the real list-callbacks and
 * cancel-callback bundles on DynamoDB Local and the local Connect endpoint; and a local CloudFormation endpoint
 * answering DescribeStacks for --stack.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { CALLBACKS_API_URL_OUTPUT_DESCRIPTION as CLI_OUTPUT_DESCRIPTION } from '../../cli-src/callbacks-cli';
import { CALLBACKS_API_URL_OUTPUT_DESCRIPTION } from '../../src/callbacks-api';
import { callbacksCliPath, main } from '../../src/simulator/cli';
import { closeServer, listenOnLoopback } from '../../src/simulator/local-services';
import { getItem } from '../support/dynamodb-server';
import { type FlowHandler, TABLE_NAME, useTestEnvironment } from '../support/environment';
import { flowEvent, inboundCtr, kinesisBatch, newContactId } from '../support/events';
import { type SignatureCheck, checkSignature } from '../support/sigv4';

const env = useTestEnvironment();

/** Credentials the stand-ins know, and the IAM principal each one signs as. */
const KEYS: Record<string, { secret: string; arn: string; mayInvoke: boolean }> = {
  AKIAOPERATOR0000001: { secret: 'operator-secret', arn: 'arn:aws:iam::123456789012:user/operator', mayInvoke: true },
  ASIAPROFILE00000002: { secret: 'profile-secret', arn: 'arn:aws:sts::123456789012:assumed-role/Ops/alice', mayInvoke: true },
  AKIANOGRANT00000003: { secret: 'nogrant-secret', arn: 'arn:aws:iam::123456789012:user/intern', mayInvoke: false },
};
const secretFor = (accessKeyId: string) => KEYS[accessKeyId]?.secret;

interface Seen { readonly method: string; readonly url: string; readonly check: SignatureCheck; readonly headers: http.IncomingHttpHeaders }

let apiUrl: string;
let cloudFormationUrl: string;
let stopServers: Array<() => Promise<void>> = [];
const apiRequests: Seen[] = [];
const cloudFormationRequests: Seen[] = [];
let stackOutputs: Array<{ key: string; value: string; description?: string }> = [];
let write: FlowHandler;
let processCtrs: (event: unknown) => Promise<unknown>;
let handlers: { list: (event: unknown) => Promise<any>; cancel: (event: unknown) => Promise<any> };

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The callbacks API as API Gateway runs it: IAM authorization first, then the route's Lambda proxy integration. */
async function serveApi(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const body = await readBody(request);
  const method = request.method ?? '';
  const url = request.url ?? '';
  const check = checkSignature({ method, url, headers: request.headers, body }, secretFor);
  apiRequests.push({ method, url, check, headers: request.headers });
  const reply = (status: number, payload: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(payload));
  };
  if (!check.ok || check.service !== 'execute-api') return reply(403, { message: 'The request signature we calculated does not match the signature you provided.' });
  const caller = KEYS[check.accessKeyId];
  const { pathname, searchParams } = new URL(url, 'http://localhost');
  if (!caller.mayInvoke) return reply(403, { message: `User: ${caller.arn} is not authorized to perform: execute-api:Invoke on resource: ${method}${pathname}` });
  const event = {
    version: '2.0',
    routeKey: `${method} ${pathname}`,
    rawPath: pathname,
    rawQueryString: searchParams.toString(),
    queryStringParameters: searchParams.size > 0 ? Object.fromEntries(searchParams) : undefined,
    headers: request.headers,
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
    requestContext: { http: { method, path: pathname }, authorizer: { iam: { userArn: caller.arn, accountId: '123456789012' } } },
  };
  const route = `${method} ${pathname}`;
  const handler = route === 'GET /callbacks' ? handlers.list : route === 'POST /callbacks/cancel' ? handlers.cancel : undefined;
  if (!handler) return reply(404, { message: 'Not Found' });
  const result = await handler(event);
  response.writeHead(result.statusCode, result.headers);
  response.end(result.body);
}

/** DescribeStacks as CloudFormation answers it (query protocol, XML). */
async function serveCloudFormation(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const body = await readBody(request);
  const check = checkSignature({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body }, secretFor);
  cloudFormationRequests.push({ method: request.method ?? '', url: request.url ?? '', check, headers: request.headers });
  const form = new URLSearchParams(body);
  const xml = (status: number, text: string) => {
    response.writeHead(status, { 'content-type': 'text/xml' });
    response.end(text);
  };
  if (!check.ok || check.service !== 'cloudformation' || form.get('Action') !== 'DescribeStacks' || form.get('Version') !== '2010-05-15') {
    return xml(403, '<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error></ErrorResponse>');
  }
  if (form.get('StackName') !== 'CallbacksStack') {
    return xml(400, `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${form.get('StackName')} does not exist</Message></Error></ErrorResponse>`);
  }
  const members = stackOutputs.map((o) => `<member><OutputKey>${o.key}</OutputKey><OutputValue>${o.value.replace(/&/g, '&amp;')}</OutputValue>`
    + `${o.description ? `<Description>${o.description}</Description>` : ''}</member>`).join('');
  xml(200, '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>'
    + `<StackName>CallbacksStack</StackName><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs>`
    + '</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>');
}

beforeAll(async () => {
  for (const serve of [serveApi, serveCloudFormation]) {
    const server = http.createServer((request, response) => {
      serve(request, response).catch((error) => {
        response.writeHead(500);
        response.end(String(error));
      });
    });
    const endpoint = await listenOnLoopback(server);
    stopServers.push(closeServer(server));
    if (serve === serveApi) apiUrl = `${endpoint}/`;
    else cloudFormationUrl = endpoint;
  }
  write = env.load('write-callback', 'bundle');
  processCtrs = env.load('ctr-processor', 'bundle');
  handlers = { list: env.load('list-callbacks', 'bundle'), cancel: env.load('cancel-callback', 'bundle') };
});

afterAll(async () => {
  await Promise.all(stopServers.map((stop) => stop()));
  stopServers = [];
});

/** Runs the CLI in this process with `variables` in its environment; output and exit code. */
async function cli(args: string[], variables: Record<string, string | undefined> = {}) {
  const base: Record<string, string | undefined> = {
    AWS_ACCESS_KEY_ID: 'AKIAOPERATOR0000001',
    AWS_SECRET_ACCESS_KEY: 'operator-secret',
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: 'eu-west-2',
    AWS_PROFILE: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationUrl,
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const applied = { ...base, ...variables };
  const saved = Object.fromEntries(Object.keys(applied).map((key) => [key, process.env[key]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) if (value === undefined) delete process.env[key]; else process.env[key] = value;
  };
  const out: string[] = [];
  const err: string[] = [];
  // The handlers behind the stand-in log in this process too: their JSON lines go to the test environment's logs.
  const sink = (into: string[]) => (...parts: unknown[]) => {
    const text = parts.join(' ');
    (text.startsWith('{"time":') ? env.logs : into).push(text);
  };
  const log = jest.spyOn(console, 'log').mockImplementation(sink(out));
  const error = jest.spyOn(console, 'error').mockImplementation(sink(err));
  set(applied);
  try {
    const code = await main(['callbacks', ...args]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    set(saved);
    log.mockRestore();
    error.mockRestore();
  }
}

let line = 6000;
async function book() {
  const recordId = newContactId();
  const phone = `+1415555${String(line++).padStart(4, '0')}`;
  expect((await write(flowEvent({ contactId: recordId, callerNumber: phone }))).result).toBe('CREATED');
  return { recordId, phone };
}

beforeEach(() => {
  apiRequests.length = 0;
  cloudFormationRequests.length = 0;
  stackOutputs = [{ key: 'CallbacksCallbacksApiUrl1234ABCD', value: apiUrl, description: CALLBACKS_API_URL_OUTPUT_DESCRIPTION }];
  env.connect.calls.length = 0;
});

test('the CLI finds the stack output by the description the construct gives it', () => {
  expect(CLI_OUTPUT_DESCRIPTION).toBe(CALLBACKS_API_URL_OUTPUT_DESCRIPTION);
});

test('list prints the waiting callbacks as a table, masked, from a request signed for execute-api', async () => {
  const first = await book();
  const second = await book();
  await processCtrs(kinesisBatch([inboundCtr(second.recordId, newContactId())]));
  const result = await cli(['list', '--url', apiUrl]);
  expect(result).toMatchObject({ code: 0, err: '' });
  const lines = result.out.split('\n');
  expect(lines[0]).toMatch(/^RECORD ID\s+STATE\s+NUMBER\s+AGE\s+CALLBACK CONTACT\s+FLAG$/);
  expect(result.out).toMatch(new RegExp(`${first.recordId}\\s+PENDING\\s+\\+\\*{9}${first.phone.slice(-2)}\\s+\\d+s\\s+\\(not known yet\\)`));
  expect(result.out).toMatch(new RegExp(`${second.recordId}\\s+PENDING\\s+\\+\\*{9}${second.phone.slice(-2)}`));
  expect(result.out).toMatch(/\d+ waiting callbacks$/);
  for (const { phone } of [first, second]) expect(result.out).not.toContain(phone.slice(-7));
  expect(apiRequests).toEqual([expect.objectContaining({
    method: 'GET', url: '/callbacks?limit=100', check: expect.objectContaining({ ok: true, service: 'execute-api', region: 'eu-west-2', accessKeyId: 'AKIAOPERATOR0000001' }),
  })]);
});

test('--json prints what the API answered; --limit pages the list', async () => {
  await book();
  await book();
  const result = await cli(['list', '--url', apiUrl, '--json', '--limit', '1']);
  expect(result.code).toBe(0);
  const parsed = JSON.parse(result.out);
  expect(parsed.callbacks).toHaveLength(1);
  expect(parsed.callbacks[0]).toEqual(expect.objectContaining({ recordId: expect.any(String), state: 'PENDING', phone: expect.stringMatching(/^\+\*+\d\d$/), callbackIdLearned: expect.any(Boolean) }));
  expect(apiRequests.map((r) => r.url)).toEqual(['/callbacks?limit=1']);
});

test('cancel, with the URL read from the stack outputs: signed DescribeStacks, then the cancel; stored with the signer as who cancelled', async () => {
  const { recordId } = await book();
  const callbackContactId = newContactId();
  await processCtrs(kinesisBatch([inboundCtr(recordId, callbackContactId)]));
  const result = await cli(['cancel', recordId, '--stack', 'CallbacksStack']);
  expect(result).toEqual({ code: 0, out: `Callback ${recordId} is cancelled. It has been removed from the queue.`, err: '' });
  expect(cloudFormationRequests).toEqual([expect.objectContaining({ method: 'POST', check: expect.objectContaining({ ok: true, service: 'cloudformation', region: 'eu-west-2' }) })]);
  expect(apiRequests).toEqual([expect.objectContaining({ method: 'POST', url: '/callbacks/cancel', check: expect.objectContaining({ ok: true, signedHeaders: expect.arrayContaining(['content-type', 'host', 'x-amz-date']) }) })]);
  expect(env.connect.calls.map((call) => call.contactId)).toEqual([callbackContactId]);
  expect(await getItem(env.db.endpoint, TABLE_NAME, `CALLBACK#${recordId}`)).toMatchObject({
    status: 'COMPLETED', resolution: 'REMOVED_BY_API', cancelledBy: 'arn:aws:iam::123456789012:user/operator',
  });

  // Again: nothing new, and it says so.
  expect((await cli(['cancel', recordId, '--url', apiUrl])).out).toBe(`Callback ${recordId} was already cancelled. It has been removed from the queue.`);
  const shown = await cli(['show', recordId, '--url', apiUrl]);
  expect(shown.code).toBe(0);
  expect(shown.out).toMatch(/^state\s+COMPLETED \(REMOVED_BY_API\)$/m);
  expect(shown.out).toMatch(/^cancelled\s+\S+ by arn:aws:iam::123456789012:user\/operator$/m);
});

test('a callback whose id is not known yet: the cancel is stored, and the CLI says what follows', async () => {
  const { recordId } = await book();
  const result = await cli(['cancel', recordId, '--url', apiUrl]);
  expect(result.out).toBe(`Callback ${recordId} is cancelled. Its callback contact is not known yet: it is removed from the queue as soon as it is (contact event or CTR).`);
});

test('a profile\'s credentials (session token signed too) and region, from the shared files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callbacks-cli-'));
  try {
    fs.writeFileSync(path.join(dir, 'credentials'), '[ops]\naws_access_key_id = ASIAPROFILE00000002\naws_secret_access_key = profile-secret\naws_session_token = token-of-ops\n');
    fs.writeFileSync(path.join(dir, 'config'), '[profile ops]\nregion = ap-southeast-2\n');
    await book();
    const result = await cli(['list', '--url', apiUrl, '--profile', 'ops'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_REGION: undefined,
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
      AWS_CONFIG_FILE: path.join(dir, 'config'),
    });
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(apiRequests[0].check).toEqual(expect.objectContaining({
      ok: true, accessKeyId: 'ASIAPROFILE00000002', region: 'ap-southeast-2', signedHeaders: expect.arrayContaining(['x-amz-security-token']),
    }));
    expect(apiRequests[0].headers['x-amz-security-token']).toBe('token-of-ops');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('refusals are explained: no grant (403), a stack without the output, a wrong secret, a callback that ended otherwise', async () => {
  const denied = await cli(['list', '--url', apiUrl], { AWS_ACCESS_KEY_ID: 'AKIANOGRANT00000003', AWS_SECRET_ACCESS_KEY: 'nogrant-secret' });
  expect(denied.code).toBe(1);
  expect(denied.err).toMatch(/the API refused the request \(403\): User: arn:aws:iam::123456789012:user\/intern is not authorized/);
  expect(denied.err).toMatch(/grantList for list and show, grantCancel for cancel/);

  const badSecret = await cli(['list', '--url', apiUrl], { AWS_SECRET_ACCESS_KEY: 'wrong' });
  expect(badSecret).toMatchObject({ code: 1, err: expect.stringMatching(/403\): The request signature we calculated does not match/) });

  stackOutputs = [{ key: 'TableName', value: 'callbacks' }];
  expect(await cli(['list', '--stack', 'CallbacksStack'])).toMatchObject({ code: 1, err: 'stack CallbacksStack has no callbacks API URL output: is enableCallbacksApi true in it?' });
  stackOutputs = [
    { key: 'AUrl', value: apiUrl, description: CALLBACKS_API_URL_OUTPUT_DESCRIPTION },
    { key: 'BUrl', value: apiUrl, description: CALLBACKS_API_URL_OUTPUT_DESCRIPTION },
  ];
  expect((await cli(['list', '--stack', 'CallbacksStack'])).err).toBe('stack CallbacksStack has 2 callbacks APIs; choose one with --output-key (AUrl, BUrl)');
  expect((await cli(['list', '--stack', 'CallbacksStack', '--output-key', 'BUrl'])).code).toBe(0);
  expect((await cli(['list', '--stack', 'Nope'])).err).toMatch(/DescribeStacks of Nope failed \(400\): ValidationError Stack with id Nope does not exist/);

  const { recordId } = await book();
  await env.load<FlowHandler>('update-callback', 'bundle')(flowEvent({ contactId: `cb-${recordId}`, initiationMethod: 'CALLBACK', previousContactId: recordId, parameters: { recordId, transition: 'CONNECT' } }));
  const conflict = await cli(['cancel', recordId, '--url', apiUrl]);
  expect(conflict.code).toBe(1);
  expect(conflict.err).toMatch(/^Not cancelled: the callback is already COMPLETED\.\n.*state\s+COMPLETED \(CONNECTED\)/s);
});

test.each([
  [['list'], /give --url or --stack/],
  [['list', '--url', 'u', '--stack', 's'], /give --url or --stack/],
  [['cancel', '--url', 'http://x/'], /callbacks cancel needs exactly one record id/],
  [['cancel', 'a/b', '--url', 'http://x/'], /not a record id/],
  [['list', '--url'], /--url needs a value/],
  [['list', '--url', 'http://x/', '--limit', '0'], /--limit must be a whole number of at least 1/],
  [['list', '--url', 'http://x/', '--output-key', 'K'], /--output-key goes with --stack/],
  [['list', '--url', 'http://x/', '--verbose'], /unknown argument: --verbose/],
  [['remove', 'x'], /unknown callbacks command: remove/],
  [[], /no callbacks command given/],
])('%j is refused with exit code 2 and the usage', async (args, message) => {
  const result = await cli(args as string[]);
  expect(result.code).toBe(2);
  expect(result.err).toMatch(message);
  expect(result.err).toMatch(/usage: cdk-connect-callback-management callbacks list/);
  expect(apiRequests).toEqual([]);
});

test('without a region anywhere, the CLI says how to give one', async () => {
  const noRegion = await cli(['list', '--url', apiUrl], { AWS_REGION: undefined });
  expect(noRegion).toMatchObject({ code: 2, err: expect.stringMatching(/^no region: give --region/) });
});

test('the bundle needs nothing but Node.js: every require in it is a Node.js built-in', () => {
  const source = fs.readFileSync(callbacksCliPath(), 'utf8');
  // (An error message of the SDK's quotes `[require("@aws-sdk/signature-v4-crt");]` as advice: text, not a call.)
  const required = new Set([...source.matchAll(/(?<!\[)\brequire\("([^"]+)"\)/g)].map(([, name]) => name));
  expect(required.size).toBeGreaterThan(0);
  for (const name of required) expect({ name, builtin: builtinModules.includes(name.replace(/^node:/, '')) }).toEqual({ name, builtin: true });
});
