import type { CustomSource } from "./wire";

// Its own module: the compiler (compile.ts) and the matching chain (matching.ts) both take it, and
// compile.ts calls matching.ts, so neither may be the other's source of this type.

/**
 * What the compiler takes from the gateway's configuration. Everything zone- or account-dependent lives
 * here, never in the schemas, which are the static public contract.
 *
 * @example const settings: CompileSettings = { timeZone: "Europe/Moscow" };
 */
export interface CompileSettings {
  /**
   * The IANA zone of the Calltouch project's site time. Check it with `isValidTimeZone` at startup: an
   * unknown zone makes the compiler throw a RangeError.
   */
  timeZone: string;
  /** Minutes back from the deal's date that contact matching searches; default 259200 (180 days). */
  searchDepth?: number;
  /** The status of a created deal whose caller gave none; default `DEFAULT_STATUS` (compile.ts). */
  defaultStatus?: string;
  /** The custom source of a deal whose lead is not found; default `офлайн-визит` as source, medium and campaign. */
  defaultSource?: CustomSource;
}
