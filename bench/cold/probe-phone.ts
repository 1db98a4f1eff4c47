/**
 * Cold-start probe: a module that only normalizes one phone number with libphonenumber-js's 'min' metadata (as
 * lambda-src/shared/phone.ts does), to show what loading the metadata and the first parse cost in a fresh process.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

export async function handler(): Promise<Record<string, string>> {
  return { result: parsePhoneNumberFromString('(202) 555-0143', 'US')?.isValid() ? 'OK' : 'ERROR' };
}
