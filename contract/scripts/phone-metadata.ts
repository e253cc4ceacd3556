// Writes contract/src/fields/phone-metadata.json, the phone metadata the contract validates with: the
// countries of select-phone-metadata.ts, taken from the installed (pinned) libphonenumber-js's full
// metadata. Run it after changing the country list or upgrading libphonenumber-js; the contract's tests
// fail while the file differs from what this writes.
//
//   pnpm --filter @calltouch-gateway/contract run phone-metadata     (node contract/scripts/phone-metadata.ts)
import { writeFileSync } from "node:fs";
import full from "libphonenumber-js/metadata.max.json";
import { PHONE_COUNTRIES, selectPhoneMetadata } from "./select-phone-metadata.ts";

const target = new URL("../src/fields/phone-metadata.json", import.meta.url);
const metadata = selectPhoneMetadata(full);
// One country per line, so that an upgrade's diff shows which countries' rules changed.
const countries = Object.entries(metadata.countries).map(([country, plan]) => `    ${JSON.stringify(country)}: ${JSON.stringify(plan)}`);
writeFileSync(
  target,
  `{\n  "version": ${metadata.version},\n  "country_calling_codes": ${JSON.stringify(metadata.country_calling_codes)},\n` +
    `  "countries": {\n${countries.join(",\n")}\n  },\n  "nonGeographic": {}\n}\n`,
);
console.log(`${target.pathname}: ${Object.keys(metadata.countries).length} countries for ${PHONE_COUNTRIES.join(", ")}`);
