// Its own module: the compiler (compile.ts) and the matching chain (matching.ts) both drop `undefined`
// keys, and compile.ts calls matching.ts, so neither may be the other's source of these.

/**
 * `fields` without its keys whose value is `undefined`, in their order; the values themselves are kept
 * as they are. The compiler writes every field of what it builds as `field: valueOrUndefined` for
 * legibility, and builds no nested value with such a key: a pass at every depth over all of it cost
 * about a tenth of a call's CPU, twice what this one does (bench/cpu.ts).
 *
 * @example definedFields({ orderNumber: "42", status: undefined }) // { orderNumber: "42" }
 */
export function definedFields<T extends object>(fields: T): T {
  const defined: Partial<T> = {};
  for (const key in fields) {
    if (fields[key] !== undefined) defined[key] = fields[key];
  }
  return defined as T;
}

/**
 * `value` without the keys whose value is `undefined`, at any depth: for what the compiler passes on from
 * the order as it is (products, contacts, a custom source, explicit matching items), where a `null` the
 * caller sent for a nested field comes out of the schema as such a key. What holds no such key is
 * shared, not copied.
 *
 * @example withoutUndefined([{ name: "Стол", brand: undefined }]) // [{ name: "Стол" }]
 */
export function withoutUndefined<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const clean = withoutUndefined(item);
      if (clean !== item) (copy ??= value.slice())[index] = clean;
    }
    return (copy ?? value) as T;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const field = value[key];
    const clean = field === undefined ? undefined : withoutUndefined(field);
    if (copy === undefined && clean === field && field !== undefined) continue;
    // The first key that changes: the copy starts with the keys before it, in their order.
    copy ??= keysBefore(value, key);
    if (clean !== undefined) copy[key] = clean;
  }
  return (copy ?? value) as T;
}

/** The keys of `value` before `stop`, with their values. */
function keysBefore(value: object, stop: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    if (key === stop) break;
    copy[key] = value[key as keyof typeof value];
  }
  return copy;
}
