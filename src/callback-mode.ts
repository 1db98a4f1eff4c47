import { Token } from 'aws-cdk-lib';

/**
 * How Amazon Connect runs the callbacks the set-callback flow creates ("Use customer first callback mode",
 * https://docs.aws.amazon.com/connect/latest/adminguide/customer-first-cb.html).
 */
export enum CallbackMode {
  /**
   * The default, and the only mode of instances without Next Generation Amazon Connect: the callback is offered to an
   * agent, and the customer is dialled once the agent has accepted it.
   */
  AGENT_FIRST = 'AGENT_FIRST',
  /**
   * Connect dials the customer first, and offers the call to an agent only once the customer has answered. Needs an
   * instance with Next Generation Amazon Connect, and the `customerFirstCallbackParameters` of your instance's export.
   */
  CUSTOMER_FIRST = 'CUSTOMER_FIRST',
}

/** In `customerFirstCallbackParameters`, the value that stands for the ARN of the construct's outbound callback flow. */
export const OUTBOUND_CALLBACK_FLOW_PLACEHOLDER = '${Flow:outbound-callback}';
/** In `customerFirstCallbackParameters`, the value that stands for the ARN of the construct's callback creation flow. */
export const CALLBACK_CREATION_FLOW_PLACEHOLDER = '${Flow:callback-creation}';

const PLACEHOLDERS = [OUTBOUND_CALLBACK_FLOW_PLACEHOLDER, CALLBACK_CREATION_FLOW_PLACEHOLDER];
/** Parameters the construct itself sets on the callback block, from its own props. */
const OWN_PARAMETERS: Readonly<Record<string, string>> = {
  QueueId: 'the construct queues every callback in queueArn',
  AgentId: 'the construct queues every callback in queueArn',
  InitialCallDelaySeconds: 'set initialCallDelay instead',
};
/** Flow-language parameter names are words of letters and digits (every documented one is). */
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9]{0,99}$/;

/**
 * The customer-first parameters to merge into the set-callback flow's callback block, checked; undefined for
 * agent-first. Each error names the prop.
 */
export function validateCustomerFirstParameters(
  mode: CallbackMode,
  parameters: Readonly<Record<string, string>> | undefined,
): Record<string, string> | undefined {
  const prop = 'customerFirstCallbackParameters';
  if (mode !== CallbackMode.CUSTOMER_FIRST) {
    if (parameters !== undefined) throw new Error(`${prop} applies to callbackMode CUSTOMER_FIRST only`);
    return undefined;
  }
  if (parameters === undefined || Object.keys(parameters).length === 0) {
    throw new Error(`${prop} is required with callbackMode CUSTOMER_FIRST: no documented flow-language parameter selects `
      + 'customer-first mode, so give the parameters your instance exports for a customer-first "Transfer to queue" block '
      + '(see the README, "Choosing a callback mode")');
  }
  for (const [name, value] of Object.entries(parameters)) {
    if (!PARAMETER_NAME.test(name)) throw new Error(`${prop}: ${JSON.stringify(name)} is not a flow-language parameter name`);
    if (OWN_PARAMETERS[name] !== undefined) throw new Error(`${prop} may not set ${name}: ${OWN_PARAMETERS[name]}`);
    if (typeof value !== 'string' || (!Token.isUnresolved(value) && value.trim() === '')) {
      throw new Error(`${prop}: ${name} must be a non-empty string`);
    }
    if (!Token.isUnresolved(value) && /^\$\{.*\}$/.test(value) && !PLACEHOLDERS.includes(value)) {
      throw new Error(`${prop}: ${name} is ${value}, which stands for nothing; the construct fills in ${PLACEHOLDERS.join(' and ')}`);
    }
  }
  const values = Object.values(parameters);
  const missing = PLACEHOLDERS.filter((placeholder) => !values.includes(placeholder));
  if (missing.length > 0) {
    throw new Error(`${prop} must name the construct's flows where your export names the block's flows: ${missing.join(' and ')} `
      + `${missing.length === 1 ? 'is' : 'are'} missing (the outbound callback flow is required in customer-first mode, and the `
      + 'creation flow is what keeps a cancelled callback from being dialled)');
  }
  return { ...parameters };
}
