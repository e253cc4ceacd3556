/**
 * Access: who may call the gateway and what they may send. Doors use this surface only.
 *
 * - `gate(need)`: key → principal → scope or lead → site → rate limit, or a {@link Refusal};
 * - `verifyHuman`: Turnstile for the public keys that require it;
 * - `orderOfLead`: the deal a lead becomes;
 * - `leadCors`: the CORS grants of the doors pages may call;
 * - `bearerOf`, `knockOf`: what a Hono door tells the gate;
 * - `readBody`: what a door reads of a request: media type, charset, size, JSON that means one thing;
 * - `admitOperator`, `openSession`, `readSession`, `csrfMatches`: the console's sign-in and sessions.
 *
 * The key file's schema (`../key-file.ts`) is the settings'; `keys.ts` finds a presented key in it.
 */

export type { Scope } from "../key-file";
export { type Body, type BodyPolicy, type BodyVariables, CHARSETS, MAX_JSON_DEPTH, readBody } from "./body";
export { leadCors } from "./cors";
export { gate, type Knock, type Need, type Refusal, refusal } from "./gate";
export { bearerOf, knockOf } from "./knock";
export { orderOfLead } from "./lead";
export { admitOperator } from "./operator";
export { allows, type Principal, type PublicPrincipal, type SecretPrincipal } from "./principal";
export { csrfMatches, openSession, readSession, type Session, type SessionProblem } from "./session";
export { verifyHuman } from "./turnstile";
