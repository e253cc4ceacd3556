// From zod's core directly: reading it as `z.core.$ZodTransform` keeps all of zod core in the bundle.
import { $ZodTransform } from "zod/v4/core";
import * as z from "../zod";
import { say } from "./say";

/** What a normalizer gets from zod to report a problem: the payload of the transform it runs in. */
export type Ctx = z.core.ParsePayload;

/**
 * A pure function from an accepted input type to its normalized form. It reports a bad value with
 * {@link fail}, so every rule lives in one plain function that the field builders below wrap.
 */
export type Normalize<I, O> = (value: I, ctx: Ctx) => O;

/**
 * Reports `message` on the value being normalized. The parse fails, so the returned `z.NEVER` is never
 * seen by anyone: it only lets a normalizer `return fail(…)` in place of a value.
 *
 * @example if (!ok) return fail(ctx, say("not a valid e-mail address", "неверный адрес почты"));
 */
export function fail(ctx: Ctx, message: string): never {
  // The issue zod's own `addIssue` would make: a custom one, on the value being normalized.
  ctx.issues.push({ code: "custom", message, input: ctx.value });
  return z.NEVER;
}

/**
 * `input`, then `normalize` on its output, as zod core's transform. zod's classic `.transform` gives each
 * run's payload a new `addIssue` closure, and the payloads that grow one slow down every schema that
 * handles them after: over the dozen transforms of an order, about a quarter of a call's CPU
 * (bench/cpu.ts). The core transform hands the payload itself, and {@link fail} reports on it;
 * field.test.ts checks the answers and issues against the classic transform's.
 */
function normalized<S extends z.ZodMiniType, O>(input: S, normalize: (value: z.output<S>, ctx: Ctx) => O) {
  const transform = new $ZodTransform({ type: "transform", transform: normalize as (value: unknown, ctx: Ctx) => O });
  return z.pipe(input, transform as $ZodTransform<O, z.output<S>>);
}

/**
 * zod's message for a value of the wrong type (or a missing one), naming what was expected and what came,
 * in English or Russian ({@link say}).
 *
 * @example z.string({ error: expected("a string", "строка") }) // "expected a string, got a number"
 */
export function expected(en: string, ru: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined
      ? say(`required: expected ${en}`, `обязательное поле: ожидается ${ru}`)
      : say(`expected ${en}, got ${kindOf(issue.input)}`, `ожидается ${ru}, получено: ${kindOfRu(issue.input)}`);
}

/** The most of a caller's value an error message repeats: errors never echo unbounded input. */
const QUOTED_CHARACTERS = 40;

/**
 * A caller's value as an error message may quote it: JSON-quoted (a number as it is), and cut to {@link QUOTED_CHARACTERS}
 * characters with the full length said, so that a megabyte of input never comes back in an answer or a log.
 *
 * @example quote("GA1.2.3") // "\"GA1.2.3\""; quote("x".repeat(1000)) // "\"xxxx…\" (1000 characters)"
 */
export function quote(value: unknown): string {
  if (typeof value !== "string") return clip(String(value));
  const text = value;
  const quoted = JSON.stringify(text.length <= QUOTED_CHARACTERS ? text : `${text.slice(0, QUOTED_CHARACTERS)}…`);
  return text.length <= QUOTED_CHARACTERS ? quoted : `${quoted} (${text.length} characters)`;
}

/**
 * {@link quote} without the quotes, for values that read as they are (a number's digits).
 *
 * @example clip("-1") // "-1"
 */
export function clip(text: string): string {
  return text.length <= QUOTED_CHARACTERS ? text : `${text.slice(0, QUOTED_CHARACTERS)}… (${text.length} characters)`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

const KINDS_RU: Record<string, string> = { string: "строка", number: "число", boolean: "true или false", object: "объект" };

function kindOfRu(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "список";
  return KINDS_RU[typeof value] ?? typeof value;
}

/** The base input schemas, with messages that say what is expected. */
export const string = z.string({ error: expected("a string", "строка") });
export const boolean = z.boolean({ error: expected("true or false", "true или false") });

/** `null`, a blank string and an empty list are how CRMs say "no value": such a field counts as not set. */
function isUnset(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === "string" && value.trim() === "") ||
    (Array.isArray(value) && value.length === 0)
  );
}

/**
 * A field the caller must set: `input` checks the type (and is what JSON Schema shows), `normalize` does the rest.
 *
 * @example const orderNumber = required(z.union([string, z.int()]), (v) => String(v).trim());
 */
export function required<S extends z.ZodMiniType, O = z.output<S>>(input: S, normalize?: Normalize<z.output<S>, O>) {
  return normalized(input, (value, ctx): O => {
    if (isUnset(value)) return fail(ctx, say("must not be empty", "не может быть пустым"));
    return normalize ? normalize(value, ctx) : (value as O);
  });
}

function orUnset<S extends z.ZodMiniType, O>(input: S, normalize: Normalize<z.output<S>, O>) {
  return normalized(z.nullable(input), (value, ctx): O | undefined => (isUnset(value) ? undefined : normalize(value as z.output<S>, ctx)));
}

/**
 * A field the caller may leave out or send as `null`, `""`, blanks or `[]`: all of these mean "not set",
 * and a field that is not set is never sent upstream.
 *
 * @example const manager = optional(string, trimmed(255)); // "  Иванов " → "Иванов", "" → undefined
 */
export function optional<S extends z.ZodMiniType, O = z.output<S>>(input: S, normalize?: Normalize<z.output<S>, O>) {
  return z.optional(orUnset(input, normalize ?? ((value) => value as O)));
}

/**
 * The message of a list or number that is too large, in English or Russian.
 *
 * @example z.array(item).check(z.maxLength(20, atMost(20))) // "at most 20 items"
 */
export function atMost(max: number, en = "items", ru = "элементов"): { error: () => string } {
  return { error: () => say(`at most ${max} ${en}`, `не больше ${max} ${ru}`) };
}

function uniqueItems<S extends z.ZodMiniType, O extends string | number>(item: S, normalize: Normalize<z.output<S>, O>, max: number) {
  const list = z.nullable(z.array(orUnset(item, normalize), { error: expected("a list", "список") }).check(z.maxLength(max, atMost(max))));
  return normalized(list, (items) => {
    const unique = items === null ? [] : withoutRepeats(items);
    return unique.length > 0 ? unique : undefined;
  });
}

/** Beyond this many items a list is deduplicated through a `Set`; below, comparing is cheaper than making one. */
const SHORT_LIST = 8;

/**
 * The items that are set, each once, in first-seen order. Most lists hold one or two items (a phone, an
 * e-mail, a tag): for those a `Set`, a filtered copy and its spread were most of a list field's cost.
 *
 * @example withoutRepeats(["a", undefined, "b", "a"]) // ["a", "b"]
 */
export function withoutRepeats<T>(items: readonly (T | undefined)[]): T[] {
  if (items.length > SHORT_LIST) return [...new Set(items.filter((item) => item !== undefined))];
  const unique: T[] = [];
  for (const item of items) {
    if (item !== undefined && !unique.includes(item)) unique.push(item);
  }
  return unique;
}

/**
 * A list of contacts, tags or ids as CRMs send them: blank items are dropped, repeats are kept once in
 * first-seen order (Calltouch gains nothing from a phone listed twice), and a list left empty is not set.
 *
 * @example const phones = optionalSet(phoneInput, normalizePhone, 20); // ["8 915 777-11-22", "", "+79157771122"] → ["79157771122"]
 */
export function optionalSet<S extends z.ZodMiniType, O extends string | number>(
  item: S,
  normalize: Normalize<z.output<S>, O>,
  max: number,
) {
  return z.optional(uniqueItems(item, normalize, max));
}

/** {@link optionalSet} for a list that must keep at least one item. */
export function requiredSet<S extends z.ZodMiniType, O extends string | number>(
  item: S,
  normalize: Normalize<z.output<S>, O>,
  max: number,
) {
  return normalized(
    uniqueItems(item, normalize, max),
    (items, ctx) => items ?? fail(ctx, say("must list at least one value", "нужно хотя бы одно значение")),
  );
}
