import * as fs from 'fs';
import * as path from 'path';
import { getCountries } from 'libphonenumber-js/min';
import { synth } from './fixtures';
import { BOOKED_ATTRIBUTE, BOOKED_VALUE, CALLBACK_CONTACT_EVENT, ENV, RECORD_ID_ATTRIBUTE } from '../../lambda-src/shared/contract';
import { loadFlowTemplate } from '../../src/flow-templates';
import { SUPPORTED_PHONE_REGIONS } from '../../src/phone-regions';

// src/ cannot import handler code, so the names the construct and the handlers share are written twice;
// these tests fail when the two copies drift.

test('the construct sets exactly the environment variables the handlers read', () => {
  const { template } = synth();
  const functions = Object.values(template.findResources('AWS::Lambda::Function'))
    .filter((fn: any) => fn.Properties.Handler === 'index.handler' && fn.Properties.Environment);
  expect(functions.length).toBeGreaterThanOrEqual(4);
  for (const fn of functions) {
    expect(Object.keys((fn as any).Properties.Environment.Variables).sort()).toEqual(Object.values(ENV).sort());
  }
});

test('the construct\'s contact event rule matches exactly the event the contact event processor reads', () => {
  const { template } = synth();
  const [pattern] = Object.values(template.findResources('AWS::Events::Rule')).map((rule: any) => rule.Properties.EventPattern);
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
