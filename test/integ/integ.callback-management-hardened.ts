/**
 * Live integration test, case 2: the options most likely to be refused. A customer-managed KMS key for the table, both
 * dead-letter queues and every log group (with the key policy statements the construct adds for CloudWatch Logs and
 * EventBridge), and contact flow logging on (every flow starts with UpdateFlowLoggingBehavior Enabled).
 * What it creates and asserts: test/integ/callback-integ-test.ts. Run: `bash scripts/integ-deploy.sh`.
 */
import { defineCallbackIntegTest } from './callback-integ-test';

defineCallbackIntegTest({
  name: 'CallbackIntegHardened',
  shortName: 'hardened',
  customerManagedKey: true,
  contactFlowLogging: true,
  props: {
    // PENDING: customer-first mode and the in-queue flow, once the construct has them (they do not exist yet). Set
    // them here, and list the in-queue flow in flowsOf() in callback-integ-test.ts so that every check covers it.
  },
}).synth();
