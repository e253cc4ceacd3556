/**
 * Masking of personal data in free text: what Calltouch's refusals may quote of an order (phones,
 * e-mails), before it is logged or stored. One helper for logs and storage, so both hide the same things.
 */

// A run of digits with the usual separators (`+7 (915) 777-11-22`, `79157771122`); it is masked when it
// holds at least 10 digits (a phone's national number) and does not start like a date (`19-07-2021 16`).
const phoneLike = /\+?\d[\d ()-]{7,}\d/g;
const dateLike = /^(\d{2}-\d{2}-\d{4}|\d{4}-\d{2}-\d{2})/;
// Whatever looks like `local@domain.tld`, a valid address or not; a top-level domain of letters, so that
// `package@1.2.3` in a stack trace is left alone.
const emailLike = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(\p{L}{2,})(?![\p{L}\p{N}])/gu;

/**
 * `text` with every phone-like run of digits reduced to its last two digits and every e-mail-like word
 * to its first character and its top-level domain, so that an operator can still tell which field was meant.
 *
 * @example
 * maskPersonalData("Invalid phone +7 (915) 777-11-22 for name@server.com") // "Invalid phone +• (•••) •••-••-22 for n•••@•••.com"
 */
export function maskPersonalData(text: string): string {
  return text
    .replace(emailLike, (match, tld: string) => `${match[0]}•••@•••.${tld}`)
    .replace(phoneLike, (match) =>
      match.replace(/\D/g, "").length < 10 || dateLike.test(match) ? match : `${match.slice(0, -2).replace(/\d/g, "•")}${match.slice(-2)}`,
    );
}
