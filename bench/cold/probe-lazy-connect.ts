/**
 * Cold-start probe: minimal-connect (GetItem and the CONNECT transaction, a DynamoDB client built at load) carrying,
 * but never running, the Connect client as update-callback carries it: lambda-src/shared/connect-client.ts required on
 * first use, bundled with the handlers' plugin. Against minimal-connect itself, what that costs a path that never
 * stops a contact: the parsing of code that is only run later.
 */
import type * as ConnectClientModule from '../../lambda-src/shared/connect-client';

export { handler } from './minimal-connect';

/** Never called here; exported so that the bundle keeps it, as a handler's lazy stopper is kept. */
export function connectClientOnFirstUse(): typeof ConnectClientModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../lambda-src/shared/connect-client') as typeof ConnectClientModule;
}
