import * as fs from 'fs';
import * as path from 'path';
import { getCountries } from 'libphonenumber-js/min';
import { synth } from './fixtures';
import { CALLBACK_CONTACT_EVENT, ENV } from '../../lambda-src/shared/contract';
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

test('every handler the construct deploys has a source in lambda-src/handlers', () => {
  const construct = fs.readFileSync(path.join(__dirname, '../../src/handler-functions.ts'), 'utf8');
  const declared = /type HandlerName =([^;]+);/.exec(construct)![1].match(/'([a-z0-9-]+)'/g)!.map((s) => s.slice(1, -1));
  const sources = fs.readdirSync(path.join(__dirname, '../../lambda-src/handlers')).map((f) => path.basename(f, '.ts'));
  expect(declared.sort()).toEqual(sources.sort());
});

test('the construct accepts as defaultCountry exactly the regions the bundled phone library knows', () => {
  expect([...SUPPORTED_PHONE_REGIONS].sort()).toEqual([...getCountries()].sort());
});
