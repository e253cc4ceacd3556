import type { Language } from "./refusals";
import type * as z from "./zod";

/**
 * One problem of an input, named by its field: what the gateway answers (400) and the client exposes.
 *
 * @example { path: [3, "phones", 0], field: "[3].phones[0]", message: "not a valid phone number for region RU; …" }
 */
export interface FieldError {
  /** The path as data: keys and list positions from the root of the input. */
  path: (string | number)[];
  /** The path as JavaScript would write it: `"[3].phones[0]"`, `"revenue"`; `""` for the input itself. */
  field: string;
  /** What is wrong and what is expected. */
  message: string;
}

/** The codes an error answer carries in `error.data.code` (tRPC's names; REST and the drop-in use the HTTP status). */
export type ErrorCode =
  | "PARSE_ERROR"
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_SUPPORTED"
  | "TIMEOUT"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "UNPROCESSABLE_CONTENT"
  | "PRECONDITION_REQUIRED"
  | "TOO_MANY_REQUESTS"
  | "CLIENT_CLOSED_REQUEST"
  | "INTERNAL_SERVER_ERROR"
  | "NOT_IMPLEMENTED"
  | "BAD_GATEWAY"
  | "SERVICE_UNAVAILABLE"
  | "GATEWAY_TIMEOUT"
  | "PAYMENT_REQUIRED";

/**
 * The `data` of every error the tRPC API answers: the code and status, the request id, and field errors.
 *
 * @example { code: "BAD_REQUEST", httpStatus: 400, path: "orders.create", requestId: "…", fieldErrors: [...] }
 */
export interface ErrorData {
  code: ErrorCode;
  httpStatus: number;
  path?: string;
  requestId?: string;
  /** Present when the input was invalid: one entry per offending field. */
  fieldErrors?: FieldError[];
}

/**
 * The message of a 400 for invalid input, naming each field, for callers that only log the message.
 *
 * @example invalidInputMessage([{ path: ["revenue"], field: "revenue", message: "not an amount" }]) // "Invalid input: revenue: not an amount"
 * @example invalidInputMessage([{ path: ["phone"], field: "phone", message: "…" }], "ru") // "Проверьте данные: phone: …"
 */
export function invalidInputMessage(fieldErrors: readonly FieldError[], language: Language = "en"): string {
  const prefix = language === "ru" ? "Проверьте данные" : "Invalid input";
  return `${prefix}: ${fieldErrors.map((f) => `${f.field || "(root)"}: ${f.message}`).join("; ")}`;
}

/**
 * The field errors of a failed parse of the public input, one per problem. An unknown key is reported at
 * the key itself (`"revenu"`), and a union that failed (one order or a list of them) is reported by the
 * issues of the branch the input was meant for, not as one vague "invalid input".
 *
 * @example
 * const result = ordersCreateInput.safeParse(body);
 * if (!result.success) return Response.json({ errors: toFieldErrors(result.error) }, { status: 400 });
 */
export function toFieldErrors(error: z.core.$ZodError): FieldError[] {
  return collect(error.issues, []);
}

/**
 * One field error of `path`, with the path's keys cut to {@link MAX_KEY_CHARACTERS} characters: a key
 * is the caller's input too, and an answer never echoes an unbounded amount of it.
 *
 * @example fieldError(["colour"], "no such field") // { path: ["colour"], field: "colour", message: "no such field" }
 */
export function fieldError(path: readonly (string | number)[], message: string): FieldError {
  const bounded = path.map((key) =>
    typeof key === "string" && key.length > MAX_KEY_CHARACTERS ? `${key.slice(0, MAX_KEY_CHARACTERS)}…` : key,
  );
  return { path: bounded, field: fieldName(bounded), message };
}

const MAX_KEY_CHARACTERS = 64;

function collect(issues: readonly z.core.$ZodIssue[], prefix: readonly (string | number)[]): FieldError[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map((key) => (typeof key === "symbol" ? String(key) : key))];
    if (issue.code === "invalid_union") {
      const branch = branchOfTheInput(issue.errors);
      if (branch !== undefined) return collect(branch, path);
    }
    if (issue.code === "unrecognized_keys" && issue.keys.length === 1) path.push(...issue.keys);
    return [fieldError(path, issue.message)];
  });
}

/**
 * A branch that failed only because the value has another type (an object given where a list was one
 * option) says nothing. Of the branches that got past the type check, the one meant is the one that
 * knows the input's keys best (an order, or the `{orders, wait}` envelope); on a tie none is meant.
 */
function branchOfTheInput(branches: readonly z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  const fitting = branches.filter(([first, ...rest]) => !(rest.length === 0 && first?.code === "invalid_type" && first.path.length === 0));
  if (fitting.length <= 1) return fitting[0];
  const unknownKeys = (issues: readonly z.core.$ZodIssue[]) =>
    issues.reduce((count, issue) => count + (issue.code === "unrecognized_keys" && issue.path.length === 0 ? issue.keys.length : 0), 0);
  const counts = fitting.map(unknownKeys);
  const fewest = Math.min(...counts);
  return counts.filter((count) => count === fewest).length === 1 ? fitting[counts.indexOf(fewest)] : undefined;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function fieldName(path: readonly (string | number)[]): string {
  return path
    .map((key, index) => {
      if (typeof key === "number") return `[${key}]`;
      if (!IDENTIFIER.test(key)) return `[${JSON.stringify(key)}]`;
      return index === 0 ? key : `.${key}`;
    })
    .join("");
}
