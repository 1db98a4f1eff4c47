/**
 * Phone number normalization for any country (the published sample accepted US 10-digit numbers only).
 * The 'min' metadata validates lengths and the general number pattern of each country at a fraction of
 * the size of the full set, which would also classify number types we never use.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/** Longer than any real number with formatting; anything longer is rejected before parsing. */
export const MAX_PHONE_INPUT_LENGTH = 32;
/** What a caller may type or a caller id may contain besides digits. */
const ALLOWED_CHARACTERS = /^[0-9+()\-.\s/]*#?$/;

export type PhoneNormalization =
  | {
    readonly valid: true;
    readonly e164: string;
    /** National significant number, digits only. */
    readonly nationalNumber: string;
    /** As the country writes it, e.g. '(202) 555-0143' or '030 123456'. */
    readonly nationalFormatted: string;
    readonly country: string;
  }
  | { readonly valid: false; readonly reason: 'EMPTY' | 'TOO_LONG' | 'BAD_CHARACTERS' | 'BAD_COUNTRY' | 'NOT_A_NUMBER' };

function isCountryCode(country: string): country is CountryCode {
  return /^[A-Z]{2}$/.test(country);
}

export function normalizePhone(raw: string | undefined, defaultCountry: string): PhoneNormalization {
  const input = (raw ?? '').trim();
  if (input.length === 0) return { valid: false, reason: 'EMPTY' };
  if (input.length > MAX_PHONE_INPUT_LENGTH) return { valid: false, reason: 'TOO_LONG' };
  if (!ALLOWED_CHARACTERS.test(input)) return { valid: false, reason: 'BAD_CHARACTERS' };
  const country = defaultCountry.toUpperCase();
  if (!isCountryCode(country)) return { valid: false, reason: 'BAD_COUNTRY' };

  // A DTMF entry may end with the '#' that terminated it.
  const parsed = parsePhoneNumberFromString(input.replace(/#$/, ''), country);
  if (!parsed || !parsed.isValid()) return { valid: false, reason: 'NOT_A_NUMBER' };
  return {
    valid: true,
    e164: parsed.number,
    nationalNumber: parsed.nationalNumber,
    nationalFormatted: parsed.formatNational(),
    country: parsed.country ?? country,
  };
}

/**
 * The caller's number as Amazon Connect reports it (E.164 for voice), reduced to a comparable form.
 * Undefined when the caller id is withheld or not a number.
 */
export function callerE164(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const digits = address.replace(/[\s().-]/g, '');
  return /^\+[1-9]\d{6,14}$/.test(digits) ? digits : undefined;
}
