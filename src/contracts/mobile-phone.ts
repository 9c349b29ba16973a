/**
 * Mainland China mobile numbers: 11 digits starting with 1 and a second digit 3-9 (13x, 14x, 15x, 16x, 17x,
 * 18x, 19x network prefixes).
 *
 * @example
 *   isValidMobile('13812345678') // true
 *   isValidMobile('12812345678') // false
 */
export const MOBILE_PATTERN = /^1[3-9][0-9]{9}$/;

/** True when `phone` is an 11-digit mainland mobile number. */
export function isValidMobile(phone: string): boolean {
  return typeof phone === 'string' && MOBILE_PATTERN.test(phone);
}
