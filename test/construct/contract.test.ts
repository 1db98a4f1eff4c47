import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { getCountries } from 'libphonenumber-js/min';
import { HOURS_ARN, synth } from './fixtures';
import { CALLBACKS_API_ROUTES as HANDLER_ROUTES } from '../../lambda-src/shared/callbacks-api';
import {
  ADMISSION_ENV as HANDLER_ADMISSION_ENV, BOOKED_ATTRIBUTE, BOOKED_VALUE, CALLBACK_CONTACT_EVENT, type CallbackResolution, ENV,
  METRICS as HANDLER_METRICS, METRIC_PATHS as HANDLER_PATHS,
  OPEN_RECORDS_INDEX as HANDLER_INDEX, RECONCILER_ENV as HANDLER_RECONCILER_ENV, RECORD_ID_ATTRIBUTE,
} from '../../lambda-src/shared/contract';
import { ADMISSION_ENV, WhenClosed } from '../../src/admission-policy';
import { CALLBACKS_API_ROUTES } from '../../src/callbacks-api';
import { loadFlowTemplate } from '../../src/flow-templates';
import { METRICS, METRICS_ENV, METRIC_PATHS, OPEN_RECORDS_INDEX, RECONCILER_ENV, RESOLUTIONS } from '../../src/operations';
import { SUPPORTED_PHONE_REGIONS } from '../../src/phone-regions';

// src/ cannot import handler code, so the names the construct and the handlers share are written twice;
// these tests fail when the two copies drift.

test('the construct sets exactly the environment variables the handlers read (and the reconciler its own two)', () => {
  const { template } = synth({ enableCallbacksApi: true });
  const functions = Object.entries(template.findResources('AWS::Lambda::Function'))
    .filter(([, fn]: [string, any]) => fn.Properties.Handler === 'index.handler' && fn.Properties.Environment);
  expect(functions.length).toBeGreaterThanOrEqual(7);
  for (const [id, fn] of functions) {
    const extra = id.startsWith('CallbacksReconcilerFunction') ? Object.values(HANDLER_RECONCILER_ENV) : [];
    const variables = Object.keys((fn as any).Properties.Environment.Variables).sort();
    expect({ id, variables }).toEqual({ id, variables: [...Object.values(ENV), ...extra].sort() });
  }
  expect(Object.values(METRICS_ENV).every((name) => Object.values(ENV).includes(name as never))).toBe(true);
  expect(RECONCILER_ENV).toEqual(HANDLER_RECONCILER_ENV);
});

test('an admission policy adds its rules\' variables to write-callback only, under the names the handler reads', () => {
  expect(ADMISSION_ENV).toEqual(HANDLER_ADMISSION_ENV);
  const { template } = synth({
    admissionPolicy: {
      maxQueuedContacts: 20,
      maxCallbacksPerNumberPerDay: 3,
      hoursOfOperationArn: HOURS_ARN,
      stopOfferingBeforeClose: Duration.minutes(15),
      whenClosed: WhenClosed.DEFER,
      deferralDelays: [Duration.hours(16), Duration.hours(12)],
    },
  });
  const functions = Object.entries(template.findResources('AWS::Lambda::Function'))
    .filter(([, fn]: [string, any]) => fn.Properties.Handler === 'index.handler' && fn.Properties.Environment);
  for (const [id, fn] of functions) {
    const variables = (fn as any).Properties.Environment.Variables;
    const admission = Object.keys(variables).filter((name) => name.startsWith('ADMISSION_'));
    expect({ id, admission }).toEqual({ id, admission: id.startsWith('CallbacksFlowsWriteCallback') ? Object.values(HANDLER_ADMISSION_ENV) : [] });
    if (admission.length > 0) {
      expect(variables).toMatchObject({
        [HANDLER_ADMISSION_ENV.MAX_QUEUED_CONTACTS]: '20',
        [HANDLER_ADMISSION_ENV.MAX_CALLBACKS_PER_NUMBER_PER_DAY]: '3',
        [HANDLER_ADMISSION_ENV.HOURS_OF_OPERATION_ARN]: HOURS_ARN,
        [HANDLER_ADMISSION_ENV.STOP_BEFORE_CLOSE_SECONDS]: '900',
        [HANDLER_ADMISSION_ENV.WHEN_CLOSED]: 'DEFER',
        // Ascending, whatever the order given.
        [HANDLER_ADMISSION_ENV.DEFERRAL_DELAYS_SECONDS]: '43200,57600',
      });
    }
  }
});

test('the table\'s index of open records is the one the store writes and the reconciler and API query', () => {
  expect(OPEN_RECORDS_INDEX).toEqual(HANDLER_INDEX);
  const { template } = synth();
  const [table] = Object.values(template.findResources('AWS::DynamoDB::Table')) as any[];
  expect(table.Properties.GlobalSecondaryIndexes).toEqual([{
    IndexName: HANDLER_INDEX.NAME,
    KeySchema: [{ AttributeName: HANDLER_INDEX.PARTITION_KEY, KeyType: 'HASH' }, { AttributeName: HANDLER_INDEX.SORT_KEY, KeyType: 'RANGE' }],
    Projection: { ProjectionType: 'ALL' },
  }]);
});

test('the alarms and the dashboard use the metric names, dimensions and values the handlers write', () => {
  expect(METRICS).toEqual(HANDLER_METRICS);
  expect(METRIC_PATHS).toEqual(HANDLER_PATHS);
  // Every resolution of the handlers' type, no more and no fewer (the type is checked both ways at compile time).
  const resolutions: readonly CallbackResolution[] = RESOLUTIONS;
  const all: Record<CallbackResolution, true> = {
    CONNECTED: true,
    REMOVED_BY_API: true,
    HUNG_UP_BY_AGENT: true,
    ENDED: true,
    RELEASED: true,
    STOP_REFUSED: true,
    EXPIRED: true,
    NOT_ANSWERED: true,
    VOICEMAIL: true,
    DIAL_STOPPED: true,
    CANCELLED_ON_ANSWER: true,
  };
  expect([...resolutions].sort()).toEqual(Object.keys(all).sort());
});

test('the callbacks API\'s routes are the ones its handlers serve', () => {
  expect(CALLBACKS_API_ROUTES).toEqual(HANDLER_ROUTES);
  const { template } = synth({ enableCallbacksApi: true });
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route: any) => route.Properties);
  expect(routes.map((route) => route.RouteKey).sort()).toEqual(Object.values(HANDLER_ROUTES).map((r) => `${r.method} ${r.path}`).sort());
  for (const route of routes) expect(route.AuthorizationType).toBe('AWS_IAM');
});

test('the construct\'s contact event rule matches exactly the event the contact event processor reads', () => {
  const { template } = synth();
  // The only rule with a pattern (the reconciler's has a schedule).
  const [pattern] = Object.values(template.findResources('AWS::Events::Rule')).map((rule: any) => rule.Properties.EventPattern).filter(Boolean);
  expect(pattern).toMatchObject({
    'source': [CALLBACK_CONTACT_EVENT.SOURCE],
    'detail-type': [CALLBACK_CONTACT_EVENT.DETAIL_TYPE],
    'detail': {
      initiationMethod: [CALLBACK_CONTACT_EVENT.INITIATION_METHOD],
      eventType: [CALLBACK_CONTACT_EVENT.EVENT_TYPE],
    },
  });
});

test('the CTR filter and the flows use the attributes the handlers read: the record id and the booked marker', () => {
  const { template } = synth();
  const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as any[];
  expect(mapping.Properties.FilterCriteria.Filters.map((f: any) => JSON.parse(f.Pattern)))
    .toEqual([{ data: { Attributes: { [BOOKED_ATTRIBUTE]: [BOOKED_VALUE] } } }]);
  const setCallback = loadFlowTemplate('set-callback');
  const written = setCallback.Actions.filter((a: any) => a.Type === 'UpdateContactAttributes').map((a: any) => a.Parameters.Attributes);
  expect(written).toEqual([
    { [RECORD_ID_ATTRIBUTE]: '$.External.recordId', [BOOKED_ATTRIBUTE]: BOOKED_VALUE },
    { [RECORD_ID_ATTRIBUTE]: '', [BOOKED_ATTRIBUTE]: '' },
  ]);
  for (const name of ['agent-whisper', 'outbound-whisper'] as const) {
    const flow = loadFlowTemplate(name);
    const booked = flow.Actions.find((a: any) => a.Type === 'Compare' && a.Parameters.ComparisonValue === `$.Attributes.${BOOKED_ATTRIBUTE}`);
    expect(booked?.Transitions.Conditions[0].Condition.Operands).toEqual([BOOKED_VALUE]);
    const invoke = flow.Actions.find((a: any) => a.Type === 'InvokeLambdaFunction');
    expect(invoke.Parameters.LambdaInvocationAttributes.recordId).toBe(`$.Attributes.${RECORD_ID_ATTRIBUTE}`);
  }
});

test('every handler the construct deploys has a source in lambda-src/handlers', () => {
  const construct = fs.readFileSync(path.join(__dirname, '../../src/handler-functions.ts'), 'utf8');
  const declared = /type HandlerName =([^;]+);/.exec(construct)![1].match(/'([a-z0-9-]+)'/g)!.map((s) => s.slice(1, -1));
  const sources = fs.readdirSync(path.join(__dirname, '../../lambda-src/handlers')).map((f) => path.basename(f, '.ts'));
  expect(declared.sort()).toEqual(sources.sort());
});

test('the construct accepts as defaultCountry exactly the regions the bundled phone library knows', () => {
  expect([...SUPPORTED_PHONE_REGIONS].sort()).toEqual([...getCountries()].sort());
});
