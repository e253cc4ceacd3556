import type { MetadataJson } from "libphonenumber-js/core/es6";

/**
 * The countries whose phone numbers the gateway validates, by ISO 3166 code: Russia, the CIS (with
 * Turkmenistan, an associate member), the former members Ukraine and Georgia, whose numbers Russian
 * CRMs still carry, and Germany, which the tests use as the far-away foreign number. A number of any
 * other country is refused (`phone.ts` says which codes are accepted). Add a country here and run
 * `pnpm --filter @calltouch-gateway/contract run phone-metadata`; each adds about 1 KiB before gzip.
 */
export const PHONE_COUNTRIES = ["RU", "KZ", "AM", "AZ", "BY", "KG", "MD", "TJ", "UZ", "TM", "UA", "GE", "DE"] as const;

/** Where a numbering plan of metadata version 4 keeps its formatting rules (libphonenumber-js's metadata.js). */
const FORMATS = 4;

/**
 * The part of libphonenumber-js's full ("max") metadata that validates {@link PHONE_COUNTRIES}: each
 * listed country's numbering plan with its exact patterns, and every other country that shares its
 * calling code (+7 is Russia and Kazakhstan), so that a calling code is either known completely or not at
 * all and every number the gateway accepts gets the full metadata's answer. Copied unchanged but for the
 * formatting rules (how to lay a number out for display), which parsing and validation never read and
 * which were 40 % of it. Non-geographic codes (+800, +882, …) are left out. Pure, so that the contract's
 * tests can check the committed file against the installed package.
 *
 * @example selectPhoneMetadata(full).country_calling_codes["7"] // ["RU", "KZ"]
 */
export function selectPhoneMetadata(full: MetadataJson, countries: readonly string[] = PHONE_COUNTRIES): MetadataJson {
  if (full.version !== 4) throw new Error(`libphonenumber-js metadata version ${full.version}: check where its plans keep their formats`);
  const missing = countries.filter((country) => !(country in full.countries));
  if (missing.length > 0) throw new Error(`libphonenumber-js has no metadata for ${missing.join(", ")}`);
  const callingCodes = Object.entries(full.country_calling_codes).filter(([, members]) =>
    members.some((country) => countries.includes(country)),
  );
  const withoutFormats = (plan: unknown[]) => plan.map((field, index) => (index === FORMATS ? [] : field));
  return {
    version: full.version,
    country_calling_codes: Object.fromEntries(callingCodes),
    countries: Object.fromEntries(
      callingCodes.flatMap(([, members]) => members.map((country) => [country, withoutFormats(full.countries[country]!)])),
    ),
    nonGeographic: {},
  } as MetadataJson;
}
