/** The simulator runs what the construct synthesizes: the flows and handler environments of a sample stack. */
import { synthesizeCallbackStack } from '../../src/simulator/stack-flows';

test('flows come from the synthesized stack, with function and flow ARNs mapped to the local bundles and flows', () => {
  const stack = synthesizeCallbackStack({ tableName: 'SimTable' });
  const setCallback = stack.flows['set-callback'].content;
  const action = (id: string) => setCallback.Actions.find((candidate: any) => candidate.Identifier === id);
  expect(action('book-caller-number').Parameters.LambdaFunctionARN).toBe(stack.functions['write-callback'].arn);
  expect(action('cancel-callback').Parameters.LambdaFunctionARN).toBe(stack.functions['update-callback'].arn);
  expect(action('set-agent-whisper').Parameters.EventHooks.AgentWhisper).toBe(stack.flows['agent-whisper'].arn);
  expect(action('create-callback').Parameters).toMatchObject({ QueueId: stack.queueArn, MaximumConnectionAttempts: '0', InitialCallDelaySeconds: '10' });
  expect(stack.functions['update-callback'].environment).toMatchObject({
    TABLE_NAME: 'SimTable', QUEUE_ARN: stack.queueArn, INSTANCE_ARN: stack.instanceArn, DEFAULT_COUNTRY: 'US', ALLOW_CANCEL_FOR_OTHER_NUMBER: 'false',
  });
  expect(stack.learnsIdFromContactEvents).toBe(true);
});

test('without contact events there is no contact event processor; the table name is per simulation', () => {
  const stack = synthesizeCallbackStack({ tableName: 'Other', learnCallbackIdFromContactEvents: false, initialCallDelaySeconds: 30 });
  expect(stack.functions['contact-event-processor']).toBeUndefined();
  expect(stack.functions['ctr-processor'].environment.TABLE_NAME).toBe('Other');
  const create = stack.flows['set-callback'].content.Actions.find((a: any) => a.Type === 'CreateCallbackContact');
  expect(create.Parameters.InitialCallDelaySeconds).toBe('30');
});

test('the sample stack with the in-queue offer has the customer queue flow, which the set-callback flow hooks before its transfer', () => {
  const stack = synthesizeCallbackStack({ tableName: 'Q', offerIntervalSeconds: 45, minimumWaitSeconds: 90 });
  const queueFlow = stack.flows['customer-queue']!;
  expect(queueFlow.type).toBe('CUSTOMER_QUEUE');
  const hook = stack.flows['set-callback'].content.Actions.find((a: any) => a.Identifier === 'set-customer-queue-flow');
  expect(hook.Parameters.EventHooks.CustomerQueue).toBe(queueFlow.arn);
  const book = queueFlow.content.Actions.find((a: any) => a.Identifier === 'book-callback');
  expect(book.Parameters.LambdaFunctionARN).toBe(stack.functions['write-callback'].arn);
});
