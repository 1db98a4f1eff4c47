/**
 * Live integration test, case 1: CallbackManagement with its defaults on a throwaway Amazon Connect instance.
 * What it creates and asserts: test/integ/callback-integ-test.ts. Run: `bash scripts/integ-deploy.sh` (README,
 * "Verify on your own AWS account").
 */
import { defineCallbackIntegTest } from './callback-integ-test';

defineCallbackIntegTest({
  name: 'CallbackIntegDefaults',
  shortName: 'defaults',
  customerManagedKey: false,
  contactFlowLogging: false,
}).synth();
