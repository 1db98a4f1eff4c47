import { App, Duration, Stack, aws_kinesis as kinesis } from 'aws-cdk-lib';
import { CallbackManagement, CallbackPromptSets, SpeechEngine, WhenClosed } from 'cdk-connect-callback-management';

const app = new App();
// A fixed dummy account and region: synthesis is offline and needs no credentials.
const stack = new Stack(app, 'CallbackManagementExample', {
  env: { account: '123456789012', region: 'us-east-1' },
});

const instanceArn = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';

const callbacks = new CallbackManagement(stack, 'Callbacks', {
  instanceArn,
  queueArn: `${instanceArn}/queue/66666666-7777-8888-9999-000000000000`,
  // The Kinesis data stream the instance streams its contact trace records to.
  stream: kinesis.Stream.fromStreamArn(stack, 'CtrStream',
    'arn:aws:kinesis:us-east-1:123456789012:stream/connect-contact-trace-records'),
  namePrefix: 'example-callbacks',
  callbackTtl: Duration.hours(24),
  defaultCountry: 'US',
  timeZone: 'America/New_York',
  // Every prompt in US Spanish, said by a neural voice that speaks it; times are spoken as es-US words them.
  prompts: CallbackPromptSets.SPANISH_US,
  voice: { voiceId: 'Lupe', engine: SpeechEngine.NEURAL },
  locale: 'es-US',
  // Callers waiting in the queue are offered a callback every 45 seconds, while the estimated wait is 3 minutes or more.
  inQueueCallbackOffer: { interval: Duration.seconds(45) },
  minimumWaitForCallback: Duration.minutes(3),
  // No new callback while 50 contacts wait in the queue; at most 3 callbacks per number and day (in timeZone). From 15
  // minutes before the queue's hours close, a callback is booked for its next opening: 12, 14 or 16 hours on.
  admissionPolicy: {
    maxQueuedContacts: 50,
    maxCallbacksPerNumberPerDay: 3,
    hoursOfOperationArn: `${instanceArn}/operating-hours/77777777-8888-9999-aaaa-bbbbbbbbbbbb`,
    stopOfferingBeforeClose: Duration.minutes(15),
    whenClosed: WhenClosed.DEFER,
    deferralDelays: [Duration.hours(12), Duration.hours(14), Duration.hours(16)],
  },
});

const assembly = app.synth();
const template = assembly.getStackByName(stack.stackName).templateFullPath;
console.log(`set-callback flow: ${callbacks.namePrefix}-set-callback`);
// Name it in your own inbound flow's "Set customer queue flow" block, before its "Transfer to queue".
console.log(`customer queue flow: ${callbacks.namePrefix}-customer-queue`);
console.log(`template written to ${template}`);
