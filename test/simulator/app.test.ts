/**
 * `simulate --app` / `--template`: the scenarios run against a user's own synthesized app, found by what the construct
 * writes, with that app's flows, prompts and settings and its own staged handler assets.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, aws_kinesis as kinesis } from 'aws-cdk-lib';
import { CallbackManagement, CallbackPromptSets, SpeechEngine } from '../../src';
import { main } from '../../src/simulator/cli';
import { readApp, readTemplateFile } from '../../src/simulator/stack-flows';

const INSTANCE_ARN = 'arn:aws:connect:eu-west-2:210987654321:instance/99999999-8888-4777-8666-555555555555';

/** A user's app as `cdk synth` leaves it: assets staged into cdk.out, no path or asset metadata. */
function synthesizeUserApp(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'callbacks-app-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'ContactCenter', { env: { account: '210987654321', region: 'eu-west-2' } });
  const stream = kinesis.Stream.fromStreamArn(stack, 'Ctr', 'arn:aws:kinesis:eu-west-2:210987654321:stream/ctr');
  new CallbackManagement(stack, 'Spanish', {
    instanceArn: INSTANCE_ARN,
    queueArn: `${INSTANCE_ARN}/queue/11111111-2222-4333-8444-555555555555`,
    stream,
    namePrefix: 'es-callbacks',
    prompts: CallbackPromptSets.SPANISH_US,
    voice: { voiceId: 'Lupe', engine: SpeechEngine.NEURAL },
    inQueueCallbackOffer: { interval: Duration.seconds(45) },
    minimumWaitForCallback: Duration.minutes(3),
    timeZone: 'Europe/London',
  });
  new CallbackManagement(stack, 'Plain', {
    instanceArn: INSTANCE_ARN,
    queueArn: `${INSTANCE_ARN}/queue/22222222-3333-4444-8555-666666666666`,
    stream,
    namePrefix: 'en-callbacks',
    learnCallbackIdFromContactEvents: false,
    // Hours rules that refuse when closed: H1 runs, H2 (deferral) does not.
    admissionPolicy: { hoursOfOperationArn: `${INSTANCE_ARN}/operating-hours/33333333-4444-4555-8666-777777777777`, stopOfferingBeforeClose: Duration.minutes(20) },
  });
  app.synth();
  return outdir;
}

let outdir: string;
beforeAll(() => {
  outdir = synthesizeUserApp();
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('every CallbackManagement of the app is found, with its own flows, functions, settings and staged assets', () => {
  const deployments = readApp(outdir);
  expect(deployments.map((d) => d.source).sort()).toEqual(['ContactCenter, namePrefix en-callbacks', 'ContactCenter, namePrefix es-callbacks']);
  const [spanish, plain] = ['es-callbacks', 'en-callbacks'].map((prefix) => deployments.find((d) => d.source!.endsWith(prefix))!);
  // Each function is known by the handler its template metadata names, its staged asset path says nothing.
  expect(Object.keys(spanish.functions).sort())
    .toEqual(['contact-event-processor', 'ctr-processor', 'queue-outbound-whisper', 'reconciler', 'update-callback', 'write-callback']);
  expect(Object.keys(plain.functions).sort()).toEqual(['ctr-processor', 'queue-outbound-whisper', 'reconciler', 'update-callback', 'write-callback']);
  expect(spanish.functions['write-callback'].environment).toMatchObject({ LOCALE: 'es-US', TIME_ZONE: 'Europe/London', QUEUE_ARN: `${INSTANCE_ARN}/queue/11111111-2222-4333-8444-555555555555` });
  // The app's own bundle, as staged in its cdk.out.
  expect(spanish.functions['write-callback'].bundleFile).toMatch(new RegExp(`^${outdir}/asset\\.[0-9a-f]{64}/index\\.js$`));
  expect(spanish.instanceArn).toBe(INSTANCE_ARN);
  expect(spanish.flows['customer-queue']?.type).toBe('CUSTOMER_QUEUE');
  expect(plain.flows['customer-queue']).toBeUndefined();
  expect(plain.learnsIdFromContactEvents).toBe(false);
  const book = spanish.flows['set-callback'].content.Actions.find((a: any) => a.Identifier === 'book-caller-number');
  expect(book.Parameters.LambdaFunctionARN).toBe(spanish.functions['write-callback'].arn);
  expect(spanish.outboundWhisperOnQueue && plain.outboundWhisperOnQueue).toBe(true);
});

test('a relative cdk.out folder works: the staged bundles are loaded by their absolute path', () => {
  const [deployment] = readApp(path.relative(process.cwd(), outdir));
  expect(path.isAbsolute(deployment.functions['write-callback'].bundleFile!)).toBe(true);
});

test('--template reads one stack template the same way', () => {
  const deployments = readTemplateFile(path.join(outdir, 'ContactCenter.template.json'));
  expect(deployments).toHaveLength(2);
  expect(deployments.every((d) => d.functions['write-callback'].bundleFile !== undefined)).toBe(true);
});

test('simulate --app runs the scenarios against each deployment, in its prompts\' language, and only those its settings allow', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    out.push(parts.join(' '));
  });
  const error = jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    err.push(parts.join(' '));
  });
  let code: number;
  try {
    code = await main(['simulate', '--app', outdir]);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  expect({ code, err: err.join('\n') }).toEqual({ code: 0, err: '' });
  const text = out.join('\n');
  const [, spanish, plain] = text.split(/^##### /m);
  expect(spanish).toMatch(/^ContactCenter, namePrefix es-callbacks #####/);
  expect(spanish).toMatch(/IVR -> caller call#1 +"Para que le devolvamos la llamada/);
  expect(spanish).toMatch(/IVR -> caller call#1 +"Gracias por esperar\./);
  expect(spanish).toMatch(/voice Lupe \(Neural\)/);
  // Its own settings: an offer every 45 s, when the wait is at least 3 minutes.
  expect(spanish).toMatch(/interrupted every 45s/);
  expect(spanish).toMatch(/check-queue-wait \[Compare\] \$\.Metrics\.Queue\.EstimatedWaitTime = "45"/);
  expect(spanish).not.toMatch(/IVR -> [^"]*"(Thank you|Hello|To be called back)/);
  expect(spanish).toMatch(/=== 14 a caller waiting in the queue is offered a callback/);
  expect(spanish).not.toMatch(/contact events off/);
  expect(plain).toMatch(/IVR -> caller call#1 +"To be called back on the number you are calling from/);
  // Its own instance: StopContact finds its contacts, and the cancel removes the callback once the CTR brings its id.
  expect(plain).toMatch(/=== 3 cancel before the callback id is known \(contact events off\) ===\n(?:(?!\n=== )[\s\S])*\nrecords: call#1 COMPLETED\(REMOVED_BY_API\)/);
  expect(plain).not.toMatch(/=== 1[4-8] /);
  // Its hours rules: H1 at close minus half its margin, under its own hours id; every other scenario finds the hours open.
  expect(plain).toMatch(/=== H1 ten minutes before closing[^\n]*===\n(?:(?!\n=== )[\s\S])*the caller calls at Mon 16:50/);
  expect(plain).toMatch(/GetEffectiveHoursOfOperations \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(UTC\)/);
  expect(plain).not.toMatch(/GetEffectiveHoursOfOperations [^\n]*ResourceNotFoundException/);
  expect(text).not.toMatch(/=== H2 /);
  expect(spanish).not.toMatch(/=== H1 /);
  expect(text).not.toMatch(/=== 19 in Spanish/);
  expect(text).toMatch(/^\d+ scenario runs across 2 deployments in [\d.]+ s \(real time\)$/m);
  expect(text).not.toMatch(/customer queue flow errors/);
});

test.each([
  [['simulate', '--app', '/nonexistent/cdk.out'], /\/nonexistent\/cdk\.out does not exist/],
  [['simulate', '--app', os.tmpdir()], /has no manifest\.json/],
  [['simulate', '--app', 'a', '--template', 'b'], /give --app or --template, not both/],
])('%j is refused with exit code 2', async (args, message) => {
  const err: string[] = [];
  const error = jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    err.push(parts.join(' '));
  });
  try {
    expect(await main(args)).toBe(2);
  } finally {
    error.mockRestore();
  }
  expect(err.join('\n')).toMatch(message);
});
