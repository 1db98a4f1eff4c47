/** The simulator's Connect API endpoint, called by the real @aws-sdk/client-connect as the handlers do. */
import { ConnectClient, GetEffectiveHoursOfOperationsCommand, StopContactCommand } from '@aws-sdk/client-connect';
import { effectiveHoursOf, weekdayHours } from '../../src/simulator/hours-of-operation';
import {
  type EffectiveHoursRequest, type LocalServer, type StopContactRequest, startConnectApi,
} from '../../src/simulator/local-services';
import { startConnectEndpoint } from '../support/connect-endpoint';

const HOURS = weekdayHours('hours-1', 'Europe/London', [{ name: 'Boxing Day', date: '2025-12-26', status: 'CLOSED' }]);

let server: LocalServer;
const requests: StopContactRequest[] = [];
const hoursRequests: EffectiveHoursRequest[] = [];
beforeAll(async () => {
  server = await startConnectApi((request) => {
    requests.push(request);
    return request.contactId === 'queued' ? 'STOPPED' : 'NOT_FOUND';
  }, {
    effectiveHours: async (request) => {
      hoursRequests.push(request);
      if (request.hoursOfOperationId === 'throttled') return { status: 429, type: 'ThrottlingException', message: 'Rate exceeded' };
      return request.instanceId === 'instance' && request.hoursOfOperationId === HOURS.id
        ? effectiveHoursOf(HOURS, request.fromDate, request.toDate) : undefined;
    },
  });
});
afterAll(() => server.close());

function client(): ConnectClient {
  return new ConnectClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
}

test('StopContact of a queued contact succeeds; an unknown one is ContactNotFoundException (410, as in the Connect API model)', async () => {
  await expect(client().send(new StopContactCommand({ InstanceId: 'instance', ContactId: 'queued' }))).resolves.toBeDefined();
  await expect(client().send(new StopContactCommand({ InstanceId: 'instance', ContactId: 'gone' })))
    .rejects.toMatchObject({ name: 'ContactNotFoundException', $metadata: { httpStatusCode: 410 } });
  expect(requests).toEqual([{ contactId: 'queued', instanceId: 'instance' }, { contactId: 'gone', instanceId: 'instance' }]);
});

test('StopContact refuses an instance or contact ARN where the API asks for an identifier (InvalidParameterException, 400)', async () => {
  const instanceArn = 'arn:aws:connect:us-east-1:123456789012:instance/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
  requests.length = 0;
  await expect(client().send(new StopContactCommand({ InstanceId: instanceArn, ContactId: 'queued' })))
    .rejects.toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
  await expect(client().send(new StopContactCommand({ InstanceId: 'instance', ContactId: `${instanceArn}/contact/queued` })))
    .rejects.toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
  expect(requests).toEqual([]);
});

const hoursOf = (InstanceId: string, HoursOfOperationId: string, FromDate: string, ToDate: string) =>
  client().send(new GetEffectiveHoursOfOperationsCommand({ InstanceId, HoursOfOperationId, FromDate, ToDate }));

test('GetEffectiveHoursOfOperations answers the hours with the overrides applied, as the SDK parses them', async () => {
  hoursRequests.length = 0;
  const reply = await hoursOf('instance', 'hours-1', '2025-12-25', '2025-12-27');
  expect(reply.TimeZone).toBe('Europe/London');
  expect(reply.EffectiveHoursOfOperationList).toEqual([
    { Date: '2025-12-25', OperationalHours: [{ Start: { Hours: 9, Minutes: 0 }, End: { Hours: 17, Minutes: 0 } }] },
    { Date: '2025-12-26', OperationalHours: [] },
    { Date: '2025-12-27', OperationalHours: [] },
  ]);
  expect(reply.EffectiveOverrideHoursList).toEqual([{
    Date: '2025-12-26',
    OverrideHours: [{ Start: { Hours: 0, Minutes: 0 }, End: { Hours: 0, Minutes: 0 }, OverrideName: 'Boxing Day', OperationalStatus: 'CLOSED' }],
  }]);
  expect(hoursRequests).toEqual([{ instanceId: 'instance', hoursOfOperationId: 'hours-1', fromDate: '2025-12-25', toDate: '2025-12-27' }]);
});

test('GetEffectiveHoursOfOperations refuses an ARN where the API asks for an identifier (InvalidParameterException, 400)', async () => {
  const instanceArn = 'arn:aws:connect:us-east-1:123456789012:instance/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
  hoursRequests.length = 0;
  await expect(hoursOf(instanceArn, 'hours-1', '2025-12-25', '2025-12-25'))
    .rejects.toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
  await expect(hoursOf('instance', `${instanceArn}/operating-hours/hours-1`, '2025-12-25', '2025-12-25'))
    .rejects.toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
  expect(hoursRequests).toEqual([]);
});

test.each([
  ['a FromDate not matching the reference\'s pattern', '2025/12/25', '2025-12-26'],
  ['a ToDate with a time', '2025-12-25', '2025-12-26T00:00:00Z'],
  ['an empty FromDate', '', '2025-12-26'],
  ['a day the calendar does not have', '2025-02-30', '2025-03-01'],
  ['a ToDate before the FromDate', '2025-12-26', '2025-12-25'],
])('GetEffectiveHoursOfOperations refuses %s (InvalidParameterException, 400)', async (_what, from, to) => {
  hoursRequests.length = 0;
  await expect(hoursOf('instance', 'hours-1', from, to))
    .rejects.toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
  expect(hoursRequests).toEqual([]);
});

test('GetEffectiveHoursOfOperations of hours the instance does not have is ResourceNotFoundException (404)', async () => {
  await expect(hoursOf('instance', 'no-such-hours', '2025-12-25', '2025-12-25'))
    .rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  await expect(hoursOf('other-instance', 'hours-1', '2025-12-25', '2025-12-25'))
    .rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
});

test('an error the handler answers reaches the SDK as that error', async () => {
  await expect(hoursOf('instance', 'throttled', '2025-12-25', '2025-12-25'))
    .rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
});

test('the handler tests\' endpoint passes GetEffectiveHoursOfOperations to its handler and records each request', async () => {
  const endpoint = await startConnectEndpoint({ effectiveHours: (request) => effectiveHoursOf(HOURS, request.fromDate, request.toDate) });
  try {
    const connect = new ConnectClient({ endpoint: endpoint.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    const ask = () => connect.send(new GetEffectiveHoursOfOperationsCommand({ InstanceId: 'i', HoursOfOperationId: 'h', FromDate: '2025-12-26', ToDate: '2025-12-26' }));
    await expect(ask()).resolves.toMatchObject({ EffectiveHoursOfOperationList: [{ Date: '2025-12-26', OperationalHours: [] }] });
    endpoint.failWith('throttle');
    await expect(ask()).rejects.toMatchObject({ name: 'ThrottlingException' });
    endpoint.failWith('none');
    endpoint.effectiveHours = undefined;
    await expect(ask()).rejects.toMatchObject({ name: 'UnknownOperationException', $metadata: { httpStatusCode: 404 } });
    expect(endpoint.hoursCalls).toEqual([
      { instanceId: 'i', hoursOfOperationId: 'h', fromDate: '2025-12-26', toDate: '2025-12-26' },
      { instanceId: 'i', hoursOfOperationId: 'h', fromDate: '2025-12-26', toDate: '2025-12-26' },
    ]);
    expect(endpoint.actions).toEqual(['connect:GetEffectiveHoursOfOperations', 'connect:GetEffectiveHoursOfOperations']);
    expect(endpoint.unexpected).toEqual(['GET /effective-hours-of-operations/i/h']);
  } finally {
    await endpoint.stop();
  }
});
