/**
 * A simple stand-in for GetParticipantInput's PhoneNumberValidation (NumberFormat "Local" with a CountryCode):
 * the caller types the national number, Connect stores it in E.164. Only the North American numbering plan is
 * checked closely (what the sample stack's default country uses); other countries get a length check.
 * Deliberately independent of the handlers' libphonenumber-based normalization (lambda-src), which it must not import.
 */

const NANP = new Set(['US', 'CA', 'PR', 'GU', 'VI', 'AS', 'MP', 'BS', 'BB', 'JM', 'TT', 'DO', 'BM']);
const CALLING_CODES: Record<string, string> = { US: '1', CA: '1', GB: '44', DE: '49', FR: '33', IE: '353', AU: '61', IN: '91', ES: '34', IT: '39', NL: '31', MX: '52', BR: '55', JP: '81' };

export interface PhoneValidation {
  readonly valid: boolean;
  /** E.164 when valid. */
  readonly e164?: string;
}

export function validateLocalNumber(input: string, countryCode: string, numberFormat = 'Local'): PhoneValidation {
  const digits = input.replace(/[\s().-]/g, '');
  if (!/^\+?\d+$/.test(digits)) return { valid: false };
  if (numberFormat === 'E164') {
    return /^\+[1-9]\d{6,14}$/.test(digits) ? { valid: true, e164: digits } : { valid: false };
  }
  if (digits.startsWith('+')) return { valid: false };
  const country = countryCode.toUpperCase();
  if (NANP.has(country)) {
    const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
    // NXX-NXX-XXXX: area code and exchange start with 2-9.
    if (!/^[2-9]\d{2}[2-9]\d{6}$/.test(national)) return { valid: false };
    return { valid: true, e164: `+1${national}` };
  }
  const callingCode = CALLING_CODES[country];
  if (!callingCode) return { valid: false };
  const national = digits.replace(/^0/, '');
  if (national.length < 6 || national.length > 12) return { valid: false };
  return { valid: true, e164: `+${callingCode}${national}` };
}
