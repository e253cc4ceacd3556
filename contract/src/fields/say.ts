import type { Language } from "../refusals";
import * as z from "../zod";

// zod writes a schema's messages while it parses and gives no way to hand them the caller's language. A
// parse is synchronous, so the language is set around it ({@link parseIn}) and read by {@link say}:
// nothing else can run in between. English unless a door parses for a caller who asked for Russian.
let current: Language = "en";

/**
 * A message in the language of the parse under way: English, or Russian inside {@link parseIn} with "ru".
 *
 * @example fail(ctx, say("must not be empty", "не может быть пустым"));
 */
export function say(en: string, ru: string): string {
  return current === "ru" ? ru : en;
}

/**
 * zod's own messages, for the checks the contract gives none (the operators' inputs), in Russian: what
 * was expected, without zod's English.
 */
function russianDefault(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "обязательное поле" : `ожидается ${issue.expected}`;
    case "too_small":
      return `не меньше ${issue.minimum}${issue.origin === "array" ? " элементов" : ""}`;
    case "too_big":
      return `не больше ${issue.maximum}${issue.origin === "array" ? " элементов" : ""}`;
    case "invalid_value":
      return `ожидается одно из: ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "unrecognized_keys":
      // A key is the caller's input: an answer never repeats an unbounded amount of it.
      return `неизвестные поля: ${issue.keys
        .slice(0, 5)
        .map((key) => (key.length > 40 ? `${key.slice(0, 40)}…` : key))
        .join(", ")}${issue.keys.length > 5 ? ` и ещё ${issue.keys.length - 5}` : ""}`;
    default:
      return "недопустимое значение";
  }
}

/**
 * `schema.safeParse(input)` with its messages in `language`: the contract's own messages ({@link say}) and,
 * in Russian, zod's for the checks the contract gives none.
 *
 * @example const order = parseIn(orderUpdateInput, body, "ru"); // field errors in Russian
 */
export function parseIn<S extends z.core.$ZodType>(
  schema: S,
  input: unknown,
  language: Language,
): z.core.util.SafeParseResult<z.output<S>> {
  const before = current;
  current = language;
  try {
    const result = language === "ru" ? z.safeParse(schema, input, { error: russianDefault }) : z.safeParse(schema, input);
    // zod writes the messages of a refusal on the first read of `error`: read it while the language holds.
    if (!result.success) void result.error;
    return result;
  } finally {
    current = before;
  }
}
