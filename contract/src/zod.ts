/**
 * zod as the contract uses it: the `zod/mini` API (functions instead of methods, so the Worker bundles
 * only the ones it calls; the same zod 4 core schemas as `zod`'s) with zod's English messages, which
 * `zod` loads by itself and `zod/mini` does not: the checks the contract gives no message of its own
 * (the operators' inputs, list bounds) answer as they did under `zod`. `z.config` is zod's global one,
 * as `zod`'s own import sets it.
 *
 * @example import * as z from "./zod"; const id = z.optional(z.int().check(z.minimum(1)));
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
