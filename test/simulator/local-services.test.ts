/** The simulator's Connect API endpoint, called by the real @aws-sdk/client-connect as the handlers do. */
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { type LocalServer, type StopContactRequest, startConnectApi } from '../../src/simulator/local-services';

let server: LocalServer;
const requests: StopContactRequest[] = [];
beforeAll(async () => {
  server = await startConnectApi((request) => {
    requests.push(request);
    return request.contactId === 'queued' ? 'STOPPED' : 'NOT_FOUND';
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
