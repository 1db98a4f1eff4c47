/**
 * Live integration test, case 2: the options most likely to be refused. A customer-managed KMS key for the table, both
 * dead-letter queues and every log group (with the key policy statements the construct adds for CloudWatch Logs and
 * EventBridge), contact flow logging on (every flow starts with UpdateFlowLoggingBehavior Enabled), the in-queue callback
 * offer with the wait check, and the Spanish prompts in a neural voice.
 * What it creates and asserts: test/integ/callback-integ-test.ts. Run: `bash scripts/integ-deploy.sh`.
 */
import { Duration } from 'aws-cdk-lib';
import { defineCallbackIntegTest } from './callback-integ-test';
import { CallbackPromptSets, SpeechEngine } from '../../src';

defineCallbackIntegTest({
  name: 'CallbackIntegHardened',
  shortName: 'hardened',
  customerManagedKey: true,
  contactFlowLogging: true,
  props: {
    // The in-queue flow (a CUSTOMER_QUEUE flow with its own callback block, checked like the others), the wait check
    // in the set-callback flow (GetMetricData), and the Spanish prompts in a neural voice. Customer-first mode needs
    // the parameters of a console export of your own instance: see callback-integ-test.ts.
    inQueueCallbackOffer: { interval: Duration.seconds(45) },
    minimumWaitForCallback: Duration.minutes(2),
    prompts: CallbackPromptSets.SPANISH_US,
    voice: { voiceId: 'Lupe', engine: SpeechEngine.NEURAL },
    agentVoice: { voiceId: 'Joanna', engine: SpeechEngine.NEURAL },
  },
}).synth();
