import * as z from "../zod";

/** The most key sets a schema keeps an object for; past them an input takes the whole object. */
const KEY_SETS = 256;

/**
 * `schema` made to parse only the keys an input has. zod's object runs the schema of every key of its
 * shape on every value, present or not: an order has 26 keys and uses six or seven, and the absent ones
 * were a third of a call's CPU (bench/cpu.ts). Here an input whose keys the shape all knows is parsed by
 * an object of just those keys and the required ones, built once for each set of keys; anything else (an
 * unknown key, a value that is not a plain object) takes the whole object, whose answer names the problem.
 * The answer is the same either way: zod leaves an absent optional key out of its output, and keeps the
 * shape's order of keys (sparse.test.ts compares both on every shape of input the contract has).
 *
 * Call it last: `.check` makes a new schema, without this. A plain object's keys are its enumerable ones,
 * as `JSON.parse` makes them; zod also reads a non-enumerable key, which this takes as absent.
 *
 * @example export const orderCreateInput = sparse(strict({ ...commonShape, orderDate }).check(refuseMixedMatching));
 */
export function sparse<T extends z.ZodMiniObject>(schema: T): T {
  const internals = schema._zod;
  const shape: Record<string, z.core.$ZodType> = internals.def.shape;
  const bits = new Map(Object.keys(shape).map((key, index) => [key, 2 ** index]));
  // A key set is a sum of distinct powers of two, exact up to 2 ** 53.
  if (bits.size > 52) throw new Error("sparse: a shape of more than 52 keys");
  const required = Object.keys(shape).filter((key) => shape[key]?._zod.optin !== "optional");
  const parts = new Map<number, z.core.$ZodType>();
  const whole = internals.parse;

  /** The object for the keys of `input`, or `undefined` when it has a key the shape does not know. */
  function partFor(input: Record<string, unknown>): z.core.$ZodType | undefined {
    let keySet = 0;
    for (const key in input) {
      const bit = bits.get(key);
      if (bit === undefined) return undefined;
      keySet += bit;
    }
    let part = parts.get(keySet);
    if (part === undefined && parts.size < KEY_SETS) {
      const present = new Set<string>();
      for (const key in input) present.add(key);
      // In the shape's order, as zod writes its output.
      const keys = Object.keys(shape).filter((key) => present.has(key) || required.includes(key));
      part = z.object(Object.fromEntries(keys.map((key) => [key, shape[key] as z.core.$ZodType])));
      parts.set(keySet, part);
    }
    return part;
  }

  const parse: typeof whole = (payload, ctx) => {
    const input = payload.value;
    const prototype = typeof input === "object" && input !== null ? Object.getPrototypeOf(input) : undefined;
    const part = prototype === Object.prototype || prototype === null ? partFor(input as Record<string, unknown>) : undefined;
    return part === undefined ? whole(payload, ctx) : part._zod.parse(payload, ctx);
  };
  // zod runs a schema without checks through `parse` as it was when built: that one is replaced too.
  if (internals.run === whole) internals.run = parse;
  internals.parse = parse;
  return schema;
}
