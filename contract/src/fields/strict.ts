import * as z from "../zod";
import { expected, quote } from "./field";
import { say } from "./say";

/**
 * An object that refuses keys it does not know, so that a typo like `revenu` fails loudly instead of
 * vanishing, and says which known key was probably meant.
 *
 * @example strict({ revenue: money }).safeParse({ revenu: 1 }) // unknown key "revenu" (did you mean "revenue"?)
 */
export function strict<const T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape);
  const wrongType = expected("an object", "объект");
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? unknownKeys(issue.keys, known) : wrongType(issue)),
  });
}

/** The most unknown keys one message names; the rest are counted. */
const NAMED_KEYS = 5;

function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  const named = keys.slice(0, NAMED_KEYS).map((key) => {
    const hint = closestKey(key, known);
    return hint === undefined ? quote(key) : say(`${quote(key)} (did you mean "${hint}"?)`, `${quote(key)} (может быть, "${hint}"?)`);
  });
  const rest = keys.length - NAMED_KEYS;
  const more = rest > 0 ? say(` and ${rest} more`, ` и ещё ${rest}`) : "";
  return (
    say(`unknown ${keys.length === 1 ? "key" : "keys"} `, keys.length === 1 ? "неизвестное поле " : "неизвестные поля ") +
    named.join(", ") +
    more
  );
}

/** Case, `_` and `-` do not count: `order_number` and `OrderNumber` both mean `orderNumber`. */
function fold(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, "");
}

/**
 * The known key that `key` was probably meant to be: the only one it is the start of (`phone` for
 * `phoneNumber`), else the nearest within two edits (a typo, a missing plural `s`), if any.
 */
function closestKey(key: string, known: readonly string[]): string | undefined {
  // No key of the contract is longer than this: a longer one is no typo of any, and its edit distance is not worth computing.
  if (key.length > 64) return undefined;
  const wanted = fold(key);
  const prefixed = wanted.length < 3 ? [] : known.filter((candidate) => fold(candidate).startsWith(wanted));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.ceil(wanted.length / 2));
  for (const candidate of known) {
    const distance = editDistance(wanted, fold(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance; only ever run on the error path, on short keys. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
