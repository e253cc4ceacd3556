/**
 * Access: who may call the gateway and what they may send. Doors use this surface only.
 *
 * - `gate(need)`: key → principal → scope or lead → site → rate limit, or a {@link Refusal};
 * - `verifyHuman`: Turnstile for the public keys that require it;
 * - `orderOfLead`: the deal a lead becomes;
 * - `leadCors`: the CORS grants of the doors pages may call;
 * - `keyFile`, `findKey`: the `API_KEYS` setting.
 */
export { leadCors } from "./cors";
export { gate, type Knock, type Need, RETRY_AFTER_SECONDS, type Refusal, refusal } from "./gate";
export { findKey, type KeyEntry, keyFile, type PublicKey, SCOPES, type Scope, type SecretKey } from "./keys";
export { bearerOf, knockOf } from "./knock";
export { leadNumber, orderOfLead } from "./lead";
export { allows, type Principal, type PublicPrincipal, type SecretPrincipal } from "./principal";
export { TURNSTILE_FIELD, verifyHuman } from "./turnstile";
export { visitorOf } from "./visitor";
