import * as z from "zod";
import { type FieldIssue, issuesOf } from "./issues";
import { CREATE_ORDER_KEYS } from "./validate";

/** A status that can carry a JSON body (so not 204, 205 or 304). */
const statusWithBody = (min: number) =>
  z
    .int()
    .min(min)
    .max(599)
    .refine((s) => s !== 204 && s !== 205 && s !== 304, "this status cannot carry a body");

const regexSource = z.string().refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, "not a valid regular expression");

/** `null` means "the simulator's default body for this answer". */
const bodyOverride = z.json().nullable();

const auth = z.strictObject({ status: statusWithBody(400), body: bodyOverride });
const validation = z.strictObject({
  status: statusWithBody(400),
  shape: z.enum(["fieldList", "messages", "byField"]),
});
const throttle = z.strictObject({
  status: statusWithBody(200),
  body: bodyOverride,
  dailyBody: bodyOverride,
  /** Seconds sent as `Retry-After` with a throttled answer; `null` sends none. */
  retryAfter: z.int().min(0).max(86_400).nullable(),
});
/** The methods a rule applies to; all when absent. */
const ruleMethods = z
  .array(z.enum(["create", "update", "delete"]))
  .min(1)
  .optional();
const rejectRule = z.strictObject({ orderNumberPattern: regexSource, error: z.string().min(1), on: ruleMethods });
const invalidRule = z.strictObject({ orderNumberPattern: regexSource, message: z.string().min(1), on: ruleMethods });

const site = z.strictObject({ siteId: z.string().min(1), accessToken: z.string().min(1) });

const shape = {
  accessToken: z.string().min(1),
  siteId: z.string().min(1),
  sites: z.array(site),
  auth,
  validation,
  maxOrdersPerRequest: z.int().min(1),
  requiredOnCreate: z.array(z.enum(CREATE_ORDER_KEYS.filter((key) => key !== "orderNumber"))),
  echoOrderNumber: z.boolean(),
  duplicateCreate: z.enum(["error", "upsert", "duplicate"]),
  updateMode: z.enum(["merge", "replace"]),
  rejectOrders: z.array(rejectRule),
  invalidOrders: z.array(invalidRule),
  requestsPerSecond: z.int().min(1).nullable(),
  throttle,
  dailyPoints: z.int().min(0).nullable(),
  pointsPerRequest: z.int().min(0),
  failureRate: z.number().min(0).max(1),
  failureStatus: statusWithBody(400),
  failureBody: bodyOverride,
  failNext: z.int().min(0),
  latencyMs: z.int().min(0).max(600_000),
  timeoutRate: z.number().min(0).max(1),
  timeoutMs: z.int().min(0).max(600_000),
  timeoutApplies: z.boolean(),
  seed: z.int().nullable(),
};

const configSchema = z.strictObject(shape);

/** The keys whose value is an object merged one level deep by `PUT /__simulator/config`. */
const NESTED = { auth, validation, throttle } as const;
type NestedKey = keyof typeof NESTED;

const patchSchema = z
  .strictObject({
    ...shape,
    auth: auth.partial(),
    validation: validation.partial(),
    throttle: throttle.partial(),
  })
  .partial();

/** Everything that decides how the simulator answers; see README.md for what each key plays. */
export type SimulatorConfig = z.infer<typeof configSchema>;
/** One `rejectOrders` rule. */
export type RejectRule = z.infer<typeof rejectRule>;
/** One `invalidOrders` rule. */
export type InvalidRule = z.infer<typeof invalidRule>;

/** The configuration a fresh simulator starts with; credentials come from the Worker's vars. */
export function defaultConfig(env: Pick<Env, "SIMULATOR_ACCESS_TOKEN" | "SIMULATOR_SITE_ID">): SimulatorConfig {
  return {
    accessToken: env.SIMULATOR_ACCESS_TOKEN,
    siteId: env.SIMULATOR_SITE_ID,
    sites: [],
    auth: { status: 401, body: null },
    validation: { status: 400, shape: "fieldList" },
    maxOrdersPerRequest: 100,
    requiredOnCreate: ["matching", "status", "statusDate", "orderDate"],
    echoOrderNumber: true,
    duplicateCreate: "error",
    updateMode: "merge",
    rejectOrders: [],
    invalidOrders: [],
    requestsPerSecond: 5,
    throttle: { status: 429, body: null, dailyBody: null, retryAfter: null },
    dailyPoints: null,
    pointsPerRequest: 1,
    failureRate: 0,
    failureStatus: 500,
    failureBody: null,
    failNext: 0,
    latencyMs: 0,
    timeoutRate: 0,
    timeoutMs: 30_000,
    timeoutApplies: false,
    seed: null,
  };
}

/**
 * Applies a partial configuration: top-level keys replace, `auth`, `validation` and `throttle` merge one level
 * deep, so `{"throttle": {"status": 503}}` keeps the throttle body. An unknown key or a bad value refuses the
 * whole patch and names each offender.
 */
export function applyConfigPatch(
  current: SimulatorConfig,
  patch: unknown,
): { ok: true; config: SimulatorConfig } | { ok: false; issues: FieldIssue[] } {
  const parsed = patchSchema.safeParse(patch);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const merged: Record<string, unknown> = { ...current, ...parsed.data };
  for (const key of Object.keys(NESTED) as NestedKey[]) {
    merged[key] = { ...current[key], ...parsed.data[key] };
  }
  // The parts are valid on their own; parsing the whole again makes the result a SimulatorConfig by construction.
  return { ok: true, config: configSchema.parse(merged) };
}

/** Reads a stored configuration, falling back to the defaults for anything an older version did not store. */
export function restoreConfig(stored: unknown, defaults: SimulatorConfig): SimulatorConfig {
  const result = applyConfigPatch(defaults, stored);
  return result.ok ? result.config : defaults;
}
