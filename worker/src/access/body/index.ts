/**
 * What a door reads of a request, read once and the same way at every door (tRPC, REST, the Calltouch
 * drop-in, website forms, `leads.submit`):
 *
 * 1. the URL's percent-encoding must be UTF-8 (a path names a deal; `%FF` names none);
 * 2. a body declares its media type: JSON everywhere, form data too on the form endpoint (415 else);
 * 3. it is at most the door's size (413, unread when its `Content-Length` says so);
 * 4. its bytes are text in the declared charset, UTF-8 by default (415 for a charset not read here,
 *    400 for bytes that are not text in it); a UTF-8 byte order mark is dropped;
 * 5. JSON means one thing: no repeated keys, no number a float cannot hold exactly, no lone
 *    surrogates, no absurd depth (400 on the field, `./json.ts`).
 *
 * The door then finds what the body says in `c.var.body`, and the request itself re-encoded as UTF-8,
 * so that a reader of its own (tRPC's fetch adapter) reads the same text. A refusal is left in
 * `c.var.body` for the door to say in its own shape, before it asks who is calling.
 */
import { type FieldError, fieldError, invalidInputMessage, type Language, refusalMessage } from "@calltouch-gateway/contract";
import { parse as parseContentType } from "content-type";
import type { Context, MiddlewareHandler } from "hono";
import type { Result } from "../../result";
import { type Refusal, refusal } from "../gate";
import { type FormFields, multipartFields, urlEncodedFields } from "./form";
import { type JsonProblem, MAX_JSON_DEPTH, readJson } from "./json";
import { CHARSETS, type Charset, charsetOf, decodeText } from "./text";

export { MAX_JSON_DEPTH } from "./json";
export { CHARSETS } from "./text";

/** What a door reads: JSON, or on the form endpoint form data too. */
export type BodyType = "json" | "form";

/** How one door reads bodies. */
export interface BodyPolicy {
  accepts: readonly BodyType[];
  /** The largest body read, in bytes. */
  maxBytes: number;
  /** The language refusals are said in. */
  language: Language;
  /** The query parameter that carries a GET call's JSON input (tRPC's `input`), read by the same rules. */
  queryInput?: string;
}

/** What the body said: nothing, a JSON value, or a form's text fields. */
export type Body = { type: "none" } | { type: "json"; value: unknown } | { type: "form"; fields: FormFields };

/** The variable a door finds the body in: what it says, or why it was refused. */
export type BodyVariables = { body: Result<Body, Refusal> };

/**
 * Reads the body of every request under it by the policy `policyOf` gives, into `c.var.body`, and
 * replaces `c.req.raw` with the same request carrying it as UTF-8.
 *
 * @example app.use("/v1/*", readBody((c) => ({ accepts: ["json"], maxBytes: 2_097_152, language: "en" })));
 */
export function readBody<E extends { Variables: BodyVariables }>(policyOf: (c: Context<E>) => BodyPolicy): MiddlewareHandler<E> {
  return async (c, next) => {
    const read = await bodyOf(c.req.raw, policyOf(c));
    c.set("body", read.body);
    c.req.raw = read.request;
    await next();
  };
}

const MEDIA_TYPES: Record<string, BodyType> = {
  "application/json": "json",
  "application/x-www-form-urlencoded": "form",
  "multipart/form-data": "form",
};

const ACCEPTED = {
  json: "application/json (UTF-8, or with its charset: application/json; charset=windows-1251)",
  form: "application/x-www-form-urlencoded, multipart/form-data or application/json",
};

/** The body of `request` under `policy`, and the request re-encoded as UTF-8 for readers of their own. */
async function bodyOf(request: Request, policy: BodyPolicy): Promise<{ body: Result<Body, Refusal>; request: Request }> {
  const refuse = (refused: Refusal) => ({ body: { ok: false, error: refused } as const, request: bodiless(request) });
  const say = (status: Refusal["status"], reason: Parameters<typeof refusal>[1], params?: Parameters<typeof refusal>[3]) =>
    refuse(refusal(status, reason, policy.language, params));
  const url = new URL(request.url);
  if (!isUtf8PercentEncoding(url)) return say(400, "invalid_url");

  if (request.method === "GET" || request.method === "HEAD") {
    const input = policy.queryInput === undefined ? null : url.searchParams.get(policy.queryInput);
    if (input === null) return { body: { ok: true, value: { type: "none" } }, request };
    const json = readJson(input);
    if (!json.ok) return refuse(jsonRefusal(json.error, policy.language));
    return { body: { ok: true, value: { type: "json", value: json.value } }, request };
  }

  const accepted = policy.accepts.includes("form") ? ACCEPTED.form : ACCEPTED.json;
  const header = request.headers.get("content-type");
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  if (length > policy.maxBytes) return say(413, "body_too_large", { max: policy.maxBytes });
  const media = header === null ? undefined : mediaTypeOf(header);
  if (header !== null && (media?.type === undefined || !policy.accepts.includes(media.type))) {
    return say(415, "unsupported_media_type", { type: clip(header), accepted });
  }
  const charset = media?.charset === undefined ? undefined : charsetOf(media.charset);
  if (media?.charset !== undefined && charset === undefined) {
    return say(415, "unsupported_charset", { charset: clip(media.charset), accepted: CHARSETS.join(", ") });
  }

  const bytes = await bytesOf(request, policy.maxBytes);
  if (bytes === undefined) return say(413, "body_too_large", { max: policy.maxBytes });
  if (bytes.length === 0) return { body: { ok: true, value: { type: "none" } }, request: bodiless(request) };
  if (media === undefined) return say(415, "unsupported_media_type", { accepted });

  if (media.type === "form") {
    const form =
      media.essence === "multipart/form-data" ? await multipartFields(bytes, header!, charset) : urlEncodedFields(bytes, charset);
    if (!form.ok) {
      return form.error.kind === "malformed"
        ? say(400, "unreadable_body")
        : say(400, form.error.problem === "mislabelled" ? "mislabelled_charset" : "invalid_form_encoding", {
            charset: named(form.error.charset),
          });
    }
    const body = new URLSearchParams(form.value);
    return {
      body: { ok: true, value: { type: "form", fields: form.value } },
      request: reencoded(request, "application/x-www-form-urlencoded", body),
    };
  }
  const text = decodeText(bytes, charset ?? "utf-8");
  if (!text.ok)
    return say(400, text.error === "mislabelled" ? "mislabelled_charset" : "invalid_encoding", { charset: named(charset ?? "utf-8") });
  const json = readJson(text.value);
  if (!json.ok) return refuse(jsonRefusal(json.error, policy.language));
  // UTF-8 JSON without a byte order mark reaches other readers as it came, its headers and bytes unchanged.
  const asSent = (charset ?? "utf-8") === "utf-8" && !startsWithBom(bytes);
  return {
    body: { ok: true, value: { type: "json", value: json.value } },
    request: asSent ? new Request(request, { body: bytes }) : reencoded(request, "application/json", text.value),
  };
}

/** A media type as the policy knows it, with its charset parameter; `type` is `undefined` for any other. */
function mediaTypeOf(header: string): { type: BodyType | undefined; essence: string; charset: string | undefined } | undefined {
  try {
    const { type, parameters } = parseContentType(header);
    return { type: MEDIA_TYPES[type], essence: type, charset: parameters.charset };
  } catch {
    return undefined;
  }
}

/** A refusal of JSON that cannot be read as meant, on the field it is about. */
function jsonRefusal(problem: JsonProblem, language: Language): Refusal {
  const message = refusalMessage(problem.kind, language, { detail: problem.detail, number: problem.detail, max: MAX_JSON_DEPTH });
  const fieldErrors: FieldError[] = [fieldError(problem.path, message)];
  return { status: 400, reason: problem.kind, message: invalidInputMessage(fieldErrors, language), fieldErrors };
}

/** Whether every `%XX` of the URL's path and query is a byte of UTF-8 text, and every `%` starts one. */
function isUtf8PercentEncoding(url: URL): boolean {
  try {
    decodeURIComponent(url.pathname);
    for (const part of url.search.slice(1).split("&")) decodeURIComponent(part.replaceAll("+", " "));
    return true;
  } catch {
    return false;
  }
}

/** At most `max` bytes of the body, or `undefined` when there are more (the rest is not read). */
async function bytesOf(request: Request, max: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (request.body === null) return new Uint8Array(0);
  // A declared length within `max` frames the body (HTTP reads no byte past it), so it is read in one go;
  // the size is checked again for a request made in code, which nothing frames. A body of unknown length
  // is counted as it streams in, and refused at the first byte past `max`.
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isSafeInteger(declared) && declared <= max) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    return bytes.length > max ? undefined : bytes;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.length;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

const BOM = [0xef, 0xbb, 0xbf];

function startsWithBom(bytes: Uint8Array): boolean {
  return BOM.every((byte, index) => bytes[index] === byte);
}

/** `request` carrying `body` as UTF-8 `type`, its length left to the runtime. */
function reencoded(request: Request, type: string, body: string | URLSearchParams): Request {
  const headers = new Headers(request.headers);
  headers.set("content-type", `${type}; charset=utf-8`);
  headers.delete("content-length");
  return new Request(request, { headers, body });
}

/** `request` without its body, as JSON with nothing in it: what a reader of its own finds after a refusal. */
function bodiless(request: Request): Request {
  const headers = new Headers(request.headers);
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  return new Request(request.url, { method: request.method, headers, signal: request.signal });
}

/** A charset as people write it in messages. */
function named(charset: Charset): string {
  return charset === "utf-8" ? "UTF-8" : charset;
}

function clip(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 60)}…`;
}
