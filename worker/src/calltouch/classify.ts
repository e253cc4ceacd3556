/**
 * How the gateway reads an answer of Calltouch: one table, structure first (status, `Retry-After`,
 * `data.orders`, `data.validationErrorData`), words last and only where structure says nothing. Every
 * row has a simulator variant and a test (`classify.test.ts`), and the README prints the table.
 *
 * What each verdict makes the outbox do, in short: `results` settles each order by its own item;
 * `slow_down` sends the whole request again later (not an attempt); `credentials` pauses the site (not an
 * attempt, nothing dies); `refused` splits the batch until the bad order goes alone and dies; and
 * `unknown_outcome` and `surprise` retry with backoff (attempts). `applied: "maybe"` means Calltouch may
 * have applied the request, so a create of it is "in doubt" and goes next as an update (docs/calltouch-api.md).
 */
import { maskPersonalData } from "../mask";
import { type OrderResult, pairResults } from "./results";

/** What came back for one request: an answer, or none. */
export type Answer =
  | { received: false; reason: "timeout" | "network"; timeoutMs: number }
  | { received: true; status: number; retryAfter: string | null; text: string; json: unknown };

/** What the gateway concludes from an answer. */
export type VerdictKind = "results" | "slow_down" | "credentials" | "refused" | "unknown_outcome" | "surprise";

/** Whether the request may have changed anything in Calltouch. */
export type Applied = "no" | "maybe";

/**
 * The classifier's conclusion. `row` names the table row that decided it (for logs and tests), `byWords`
 * says that words, not structure, decided it: such a verdict is never a permanent decision.
 */
export interface Verdict {
  kind: VerdictKind;
  row: RowId;
  applied: Applied;
  /** Safe to store and show: no token, phones and e-mails masked. */
  message: string;
  status?: number;
  /** How long Calltouch asked the gateway to wait (`Retry-After`), capped at {@link MAX_RETRY_AFTER_MS}. */
  retryAfterMs?: number;
  byWords?: true;
  /** Of `results`: one per order sent, in the orders' order. */
  results?: OrderResult[];
}

type Received = Extract<Answer, { received: true }>;

/** The rows of the table, in the order they are tried. */
export type RowId =
  | "no_answer"
  | "results"
  | "auth_status"
  | "throttle_status"
  | "validation"
  | "names_credentials"
  | "speaks_of_limit"
  | "server_error"
  | "anything_else";

/** A `Retry-After` longer than this is taken as this: one probe an hour is cheap, a day's stall is not. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

// Words, for answers whose structure says nothing. Neither may decide anything permanent: a pause is probed
// and lifted by the next answer that passes auth, a slow-down only delays.
const NAMES_CREDENTIALS = /access[-_ ]?token|\btoken\b|site[-_ ]?id|токен|unauthori[sz]ed|не авторизован/i;
const SPEAKS_OF_LIMIT = /limit|лимит|too many|превыш/i;

// A per-order refusal of a create that sounds like "the deal exists" (its text is not documented).
const SOUNDS_EXISTING = /already exists|уже существует|duplicate|дубл/i;

/**
 * Whether Calltouch's refusal of one order's create suggests that it holds the deal already. Words: a
 * hypothesis for the outbox to test with an update, never a fact for its ledger.
 *
 * @example suggestsExisting('Order with orderNumber "42" already exists') // true
 */
export function suggestsExisting(error: string): boolean {
  return SOUNDS_EXISTING.test(error);
}

const is2xx = (status: number) => status >= 200 && status < 300;
const maybeIf5xxOr2xx = (status: number): Applied => (status >= 500 || is2xx(status) ? "maybe" : "no");

interface Row {
  id: RowId;
  /** The rule as the README's table says it. */
  answer: string;
  when(answer: Received, data: AnswerData): boolean;
  verdict(answer: Received, data: AnswerData, orders: readonly { orderNumber: string }[]): Omit<Verdict, "row">;
}

interface AnswerData {
  orders: unknown[] | undefined;
  validation: unknown;
  /** The answer's own words (its JSON or text), capped, for the rows that may read them. */
  words: string;
  retryAfterMs: number | undefined;
}

/**
 * The table. `applied` follows the status: a 4xx (but 408) was refused before anything was applied; a 5xx
 * but 503 or a 2xx without results may have been applied; 429 and 503 ask to come back, so nothing was.
 */
export const ROWS: readonly Row[] = [
  {
    id: "results",
    answer: "2xx with `data.orders`",
    when: (answer, data) => is2xx(answer.status) && data.orders !== undefined,
    verdict: (answer, data, orders) => {
      const paired = pairResults(data.orders!, orders);
      if (!paired.ok)
        return { kind: "surprise", applied: "maybe", status: answer.status, message: `${paired.error} (HTTP ${answer.status})` };
      return {
        kind: "results",
        applied: "maybe",
        status: answer.status,
        message: `Calltouch answered HTTP ${answer.status} with a result per order`,
        results: paired.value,
        ...(data.retryAfterMs === undefined ? {} : { retryAfterMs: data.retryAfterMs }),
      };
    },
  },
  {
    id: "auth_status",
    answer: "401 or 403",
    when: (answer) => answer.status === 401 || answer.status === 403,
    verdict: (answer, data) => ({
      kind: "credentials",
      applied: "no",
      status: answer.status,
      message: `Calltouch refused the gateway's credentials (HTTP ${answer.status}${quote(data.words)}): check CALLTOUCH_TOKEN and CALLTOUCH_SITE_ID`,
    }),
  },
  {
    id: "throttle_status",
    answer: "429, 503, or any other with `Retry-After`",
    when: (answer, data) => answer.status === 429 || answer.status === 503 || data.retryAfterMs !== undefined,
    verdict: (answer, data) => ({
      kind: "slow_down",
      applied: answer.status >= 500 && answer.status !== 503 ? "maybe" : "no",
      status: answer.status,
      message: `Calltouch asked to slow down (HTTP ${answer.status}${data.retryAfterMs === undefined ? "" : `, Retry-After ${Math.ceil(data.retryAfterMs / 1000)} s`})`,
      ...(data.retryAfterMs === undefined ? {} : { retryAfterMs: data.retryAfterMs }),
    }),
  },
  {
    id: "validation",
    answer: "not 2xx, with `data.validationErrorData`",
    when: (answer, data) => !is2xx(answer.status) && data.validation !== undefined,
    verdict: (answer, data) => ({
      kind: "refused",
      applied: "no",
      status: answer.status,
      message: `Calltouch refused the request (HTTP ${answer.status}): ${JSON.stringify(data.validation).slice(0, 2000)}`,
    }),
  },
  {
    id: "names_credentials",
    answer: "no `data.orders` nor `validationErrorData`, and its words name the token or the site (any status)",
    when: (_answer, data) => NAMES_CREDENTIALS.test(data.words),
    verdict: (answer, data) => ({
      kind: "credentials",
      applied: maybeIf5xxOr2xx(answer.status),
      byWords: true,
      status: answer.status,
      message: `Calltouch's answer (HTTP ${answer.status}${quote(data.words)}) names the token or the site: check CALLTOUCH_TOKEN and CALLTOUCH_SITE_ID`,
    }),
  },
  {
    id: "speaks_of_limit",
    answer: "no `data.orders` nor `validationErrorData`, and its words speak of a limit",
    when: (_answer, data) => SPEAKS_OF_LIMIT.test(data.words),
    verdict: (answer, data) => ({
      kind: "slow_down",
      applied: "no",
      byWords: true,
      status: answer.status,
      message: `Calltouch's answer (HTTP ${answer.status}${quote(data.words)}) speaks of a limit: slowing down`,
    }),
  },
  {
    id: "server_error",
    answer: "5xx (but 503) or 408",
    when: (answer) => answer.status >= 500 || answer.status === 408,
    verdict: (answer, data) => ({
      kind: "unknown_outcome",
      applied: "maybe",
      status: answer.status,
      message: `Calltouch failed (HTTP ${answer.status}${quote(data.words)})`,
    }),
  },
  {
    id: "anything_else",
    answer: "anything else (another 4xx such as 404 or 405, a 3xx, a 2xx without `data.orders`)",
    when: () => true,
    verdict: (answer, data) => ({
      kind: "surprise",
      applied: is2xx(answer.status) ? "maybe" : "no",
      status: answer.status,
      message: `Calltouch answered HTTP ${answer.status}${quote(data.words)}, which the gateway does not expect: retrying with backoff (check CALLTOUCH_BASE_URL if it persists)`,
    }),
  },
];

/** The row for no answer at all, which has no status to match. */
export const NO_ANSWER_ROW = { id: "no_answer" as const, answer: "no answer: a timeout or a network error" };

/**
 * The verdict on one answer to a request of `orders` (what was sent, in order). `secret` is removed from
 * any text quoted, in case Calltouch echoes the token.
 *
 * @example classify({ received: true, status: 429, retryAfter: "3", text: "", json: undefined }, orders, token).kind // "slow_down"
 */
export function classify(answer: Answer, orders: readonly { orderNumber: string }[], secret: string): Verdict {
  if (!answer.received) {
    const message =
      answer.reason === "timeout" ? `Calltouch did not answer within ${answer.timeoutMs} ms` : "Calltouch could not be reached";
    return { kind: "unknown_outcome", row: NO_ANSWER_ROW.id, applied: "maybe", message };
  }
  const body = answer.json as { data?: { orders?: unknown; validationErrorData?: unknown } } | undefined;
  const data: AnswerData = {
    orders: Array.isArray(body?.data?.orders) ? body.data.orders : undefined,
    validation: body?.data?.validationErrorData ?? undefined,
    words: maskPersonalData(redact(answer.text.slice(0, 2000), secret)),
    retryAfterMs: retryAfterMs(answer.retryAfter),
  };
  const row = ROWS.find((candidate) => candidate.when(answer, data))!;
  const verdict = row.verdict(answer, data, orders);
  return { ...verdict, row: row.id, message: maskPersonalData(redact(verdict.message, secret)) };
}

/** `Retry-After` as milliseconds from now: delay-seconds or an HTTP date (RFC 9110, 10.2.3). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const text = header.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : undefined;
}

function quote(words: string): string {
  const text = words.trim().replace(/\s+/g, " ");
  return text === "" ? "" : `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}

function redact(text: string, secret: string): string {
  return secret === "" ? text : text.replaceAll(secret, "•••");
}
