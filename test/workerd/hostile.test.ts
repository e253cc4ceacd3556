// What every door does with input nobody here wrote: bodies in other charsets, other media types, sizes
// at and past each limit, JSON that means two things. One table of doors (tRPC, REST, the Calltouch
// drop-in, website forms, leads.submit; the console's forms below), one rule for all: no 5xx, nothing of a refused request stored
// or sent to Calltouch, every refusal says why in the door's own shape, and text that was accepted
// reaches Calltouch as the letters that were sent. Keys, origins and scopes are access.test.ts's;
// nesting far beyond any stack is in access.test.ts, forms.test.ts and leads.test.ts.
import { reset } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { BOM, bytes, percentEncoded, WORD } from "../../worker/test/charsets";
import * as keys from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway, gateway, settle } from "./gateway";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

let visitor = 0;
const BASE = "http://gateway.test";
/** The lead limit of the test configuration (the default, 32 KiB) and the general one (2 MiB). */
const LEAD_MAX_BODY_BYTES = 32 * 1024;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

interface Door {
  name: string;
  /** A JSON body of the door whose text field (a deal's status, a lead's comment, a deal to delete) is `text` as raw JSON. */
  body(text: string, extra?: string): string;
  /** Sends `body` with the door's key and origin, JSON unless `headers` say otherwise. */
  send(body: BodyInit | null, headers?: Record<string, string>): Promise<Response>;
  /** What became of the text field of the calls that were `answered`: what Calltouch received, or what an operator's door answered. */
  read(answered: any[]): Promise<unknown>;
  /** What `read` gives after the first test's five calls, each of "Запись": five times the word unless said here. */
  readsAs?: unknown;
  /** What the door needs before the first test's calls, to have something to act on. */
  prepare?(): Promise<void>;
  maxBytes: number;
}

const json = { "content-type": "application/json" };
/** A POST with the door's own headers; a header given as "" is left out. */
const post =
  (path: string, own: Record<string, string>) =>
  (body: BodyInit | null, headers: Record<string, string> = {}) =>
    callGateway(`${BASE}${path}`, {
      method: "POST",
      headers: Object.entries({ ...json, ...own, ...headers }).filter(([, value]) => value !== ""),
      body,
    });
const secret = { authorization: `Bearer ${keys.TEST_API_KEY}` };
const page = () => ({ origin: keys.FORM_ORIGIN, "cf-connecting-ip": `192.0.2.${++visitor % 250}` });
let deal = 0;
const order = (text: string, extra = "") => `{"orderNumber":"hostile-${++deal}","status":${text}${extra}}`;
const lead = (text: string, extra = "") => `{"phone":"89157771122","comment":${text}${extra}}`;
const deletes = (text: string, extra = "") => `{"orderNumbers":[${text}]${extra}}`;
/** What Calltouch was sent, once the outbox is done: `pick` reads it from each request's body. */
const calltouchGot = (pick: (body: any) => unknown[]) => async () => {
  await settle();
  return (await simulator.requests()).flatMap((request) => pick(request.body));
};
const statuses = calltouchGot((body) => body.orders.map((o: any) => o.status));
const comments = calltouchGot((body) => body.orders.map((o: any) => o.comment?.text));
const dropIn = (kind: string) => post(`/lead-service/v1/api/client-order/${kind}`, { "access-token": keys.TEST_API_KEY });

const doors: Door[] = [
  { name: "tRPC", body: order, send: post("/trpc/orders.create", secret), read: statuses, maxBytes: MAX_BODY_BYTES },
  { name: "REST", body: order, send: post("/v1/orders", secret), read: statuses, maxBytes: MAX_BODY_BYTES },
  {
    name: "the drop-in",
    body: (text, extra) => `{"crm":"hostile","orders":[${order(text, extra)}]}`,
    send: dropIn("create"),
    read: statuses,
    maxBytes: MAX_BODY_BYTES,
  },
  {
    name: "a website form",
    body: lead,
    send: (body, headers) => post(`/forms/${keys.FORM_KEY}`, { accept: "application/json", ...page() })(body, headers),
    read: comments,
    maxBytes: LEAD_MAX_BODY_BYTES,
  },
  {
    name: "leads.submit",
    body: lead,
    send: (body, headers) => post("/trpc/leads.submit", { authorization: `Bearer ${keys.FORM_KEY}`, ...page() })(body, headers),
    read: comments,
    maxBytes: LEAD_MAX_BODY_BYTES,
  },
  // Deletes name their deals in the body; REST's DELETE names it in the path (see "URLs and queries").
  {
    name: "orders.delete",
    body: deletes,
    send: post("/trpc/orders.delete", secret),
    read: calltouchGot((body) => body.orderNumbers),
    maxBytes: MAX_BODY_BYTES,
  },
  {
    name: "the drop-in's delete",
    body: deletes,
    send: dropIn("delete"),
    read: calltouchGot((body) => body.orderNumbers),
    maxBytes: MAX_BODY_BYTES,
  },
  // An operator's doors send Calltouch nothing: what they read is in their answers.
  {
    name: "orders.purge",
    body: deletes,
    send: post("/trpc/orders.purge", secret),
    read: async (answered) => answered.flatMap((answer) => answer.result.data.purged.map((deal: any) => deal.orderNumber)),
    maxBytes: MAX_BODY_BYTES,
  },
  {
    name: "deliveries.forget",
    body: deletes,
    send: post("/trpc/deliveries.forget", secret),
    // Only the first call finds the deal in the ledger: the first body is windows-1251.
    prepare: async () => {
      await gateway().orders.create.mutate({ orderNumber: "Запись" });
      await settle();
    },
    read: async (answered) => answered.map((answer) => answer.result.data.forgotten),
    readsAs: [["Запись"], [], [], [], []],
    maxBytes: MAX_BODY_BYTES,
  },
];

/** Every message a door's error answer holds: tRPC's and REST's `error.message`, the drop-in's Calltouch shapes, field errors. */
function messagesOf(answer: any): string {
  const fieldErrors = answer?.error?.fieldErrors ?? answer?.error?.data?.fieldErrors ?? answer?.data?.validationErrorData ?? [];
  return [
    answer?.error?.message,
    ...fieldErrors.map((error: { field: string; message: string }) => `${error.field}: ${error.message}`),
  ].join(" | ");
}

/** A refusal as the door gave it: its status, what it says, and the request id it names (tRPC and REST say it in the body too). */
async function refusalOf(response: Response) {
  const answer = (await response.json()) as any;
  const requestId = response.headers.get("x-request-id");
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  const named = answer?.error?.requestId ?? answer?.error?.data?.requestId;
  if (named !== undefined) expect(named).toBe(requestId);
  return { status: response.status, says: messagesOf(answer) };
}

/** Nothing of any request was stored, and Calltouch was sent nothing. */
async function nothingKept() {
  const stats = await gateway(keys.OBSERVER_KEY).deliveries.stats.query();
  expect(stats.queued + stats.inFlight + stats.delivered + stats.dead).toBe(0);
  expect(await simulator.requests()).toEqual([]);
}

/** The door's body before and after its text field's value: the raw bytes of a charset go between, in quotes. */
const around = (door: Door) => door.body('"\u0000"').split("\u0000") as [string, string];

describe.each(doors)("$name", (door) => {
  it("takes Windows-1251 and KOI8-R bodies that say so, and a UTF-8 byte order mark, and Calltouch gets the letters sent", async () => {
    await door.prepare?.();
    const answered: unknown[] = [];
    for (const [charset, word] of [
      ["windows-1251", WORD["windows-1251"]],
      ["cp1251", WORD["windows-1251"]],
      ["KOI8-R", WORD["koi8-r"]],
    ] as const) {
      const [head, tail] = around(door);
      const response = await door.send(bytes(head, word, tail), { "content-type": `application/json; charset=${charset}` });
      expect({ charset, status: response.status }).toEqual({ charset, status: expect.toSatisfy((status: number) => status < 300) });
      answered.push(await response.json());
    }
    const [head, tail] = around(door);
    const withBom = await door.send(bytes(BOM, head, WORD["utf-8"], tail));
    expect(withBom.status).toBeLessThan(300);
    answered.push(await withBom.json());
    // JSON's escapes, in the key and in its text, mean the letters they stand for.
    const escaped = door
      .body(JSON.stringify("Запись").replace(/[^"]/g, (letter) => `\\u${letter.charCodeAt(0).toString(16).padStart(4, "0")}`))
      .replace(/"(status|comment|orderNumbers)":/, (_, key: string) => `"\\u00${key.charCodeAt(0).toString(16)}${key.slice(1)}":`);
    const response = await door.send(escaped);
    expect({ escaped, status: response.status }).toEqual({ escaped, status: expect.toSatisfy((status: number) => status < 300) });
    answered.push(await response.json());

    expect(await door.read(answered)).toEqual(door.readsAs ?? Array(5).fill("Запись"));
  });

  it("refuses bytes that are no text in the declared or default charset, and UTF-8 declared as another, saying what to send", async () => {
    const [head, tail] = around(door);
    const cases: [BodyInit, Record<string, string>, RegExp][] = [
      [bytes(head, WORD["windows-1251"], tail), {}, /not valid UTF-8 text: send UTF-8, or declare the charset|не текст в кодировке UTF-8/],
      [bytes(head, [0xff, 0xfe], tail), {}, /UTF-8/],
      [bytes(head, [0xed, 0xa0, 0x80], tail), {}, /UTF-8/], // a surrogate, encoded: no UTF-8
      [
        bytes(head, WORD["utf-8"], tail),
        { "content-type": "application/json; charset=windows-1251" },
        /declared windows-1251 but is UTF-8|объявлено в кодировке windows-1251/,
      ],
    ];
    for (const [body, headers, says] of cases) {
      expect(await refusalOf(await door.send(body, headers))).toEqual({ status: 400, says: expect.stringMatching(says) });
    }
    for (const charset of ["utf-16", "latin1", "x-unknown"]) {
      expect(await refusalOf(await door.send(door.body('"x"'), { "content-type": `application/json; charset=${charset}` }))).toEqual({
        status: 415,
        says: expect.stringMatching(new RegExp(`charset=${charset}.*(UTF-8)`)),
      });
    }
    await nothingKept();
  });

  it("refuses every media type but JSON (and form data on the form endpoint) with 415, unread, saying what to send", async () => {
    const refused = ["text/plain", "application/xml", "application/json-patch+json", "text/json", "garbage"];
    if (door.name !== "a website form") refused.push("application/x-www-form-urlencoded", "multipart/form-data; boundary=x");
    for (const type of refused) {
      expect(await refusalOf(await door.send(door.body('"x"'), { "content-type": type }))).toEqual({
        status: 415,
        says: expect.stringMatching(/(not accepted here|здесь не принимается).*application\/json/),
      });
    }
    // A body without a media type says nothing of how to read it.
    expect(await refusalOf(await door.send(bytes(door.body('"x"')), { "content-type": "" }))).toEqual({
      status: 415,
      says: expect.stringMatching(/(has no Content-Type|нет Content-Type).*application\/json/),
    });
    // With or without a charset parameter, in any case, JSON is JSON.
    for (const type of ["Application/JSON", "application/json;charset=UTF-8", 'application/json; charset="utf-8"']) {
      expect((await door.send(door.body('"ok"'), { "content-type": type })).status).toBeLessThan(300);
    }
  });

  it("reads a body of exactly its limit, and refuses one byte more with 413, with or without Content-Length", async () => {
    const body = door.body('"at the limit"');
    const atLimit = `${body}${" ".repeat(door.maxBytes - new TextEncoder().encode(body).length)}`;
    expect((await door.send(atLimit)).status).toBeLessThan(300);
    const past = `${atLimit} `;
    const chunked = () => new Blob([past]).stream();
    for (const sent of [past, chunked()]) {
      expect(await refusalOf(await door.send(sent))).toEqual({
        status: 413,
        says: expect.stringMatching(new RegExp(`(larger than|Запрос больше) ${door.maxBytes}`)),
      });
    }
  });

  it("refuses JSON that means two things, on the field: a key given twice (escaped or not), numbers past 2^53 or beyond a float's digits, lone surrogates, nesting past 32 levels", async () => {
    const cases: [string, RegExp][] = [
      [door.body('"x"', ',"comment":"a","comment":"b"'), /comment: (given more than once|указано больше одного раза)/],
      // The same key, once escaped, is the same key; and a key that is no text is refused as a value would be.
      [door.body('"x"', ',"utm":"a","\\u0075tm":"b"'), /utm: (given more than once|указано больше одного раза)/],
      [door.body('"x"', ',"\\udc00":1'), /(unpaired UTF-16 surrogate|непарный суррогат)/],
      [door.body('"x"', ',"sessionId":9007199254740993'), /sessionId: .*9007199254740993.*(string|строкой)/],
      [door.body('"x"', ',"sessionId":1e400'), /sessionId: .*1e400/],
      [door.body('"\\ud800"'), /(status|comment|orderNumbers\[0\]): .*(unpaired UTF-16 surrogate|непарный суррогат)/],
      [door.body('"x"', `,"utm":${"[".repeat(32)}${"]".repeat(32)}`), /(nested deeper than|вложенность больше) 32/],
    ];
    if (door.name !== "a website form" && door.name !== "leads.submit") {
      cases.push(
        [door.body('"x"', ',"revenue":1000.1000000000000001'), /revenue: .*1000\.1000000000000001/],
        [door.body('"x"', ',"revenue":100,"revenue":1000'), /revenue: given more than once/],
      );
    }
    for (const [body, says] of cases) {
      const refusal = await refusalOf(await door.send(body));
      expect({ body: body.slice(0, 120), refusal }).toEqual({
        body: body.slice(0, 120),
        refusal: { status: 400, says: expect.stringMatching(says) },
      });
    }
    await nothingKept();
  });

  it("answers every hostile body below 500, and keeps nothing of it", async () => {
    const hostile: BodyInit[] = [
      "",
      "null",
      "[]",
      "{}",
      '"x"',
      "1e999999",
      '{"__proto__":{"status":"x"},"orderNumber":"p"}',
      '{"constructor":{"prototype":{"x":1}}}',
      door.body('"x"', ',"__proto__":{"x":1}'),
      `{"a":${"[".repeat(100_000)}`,
      bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], "{}"),
      bytes([0x00, 0x7b, 0x00, 0x7d]),
      "\u0000{}",
      door.body('"\\u0000"'),
    ];
    for (const body of hostile) {
      const response = await door.send(body);
      expect({ body: String(body).slice(0, 60), status: response.status }).toEqual({
        body: String(body).slice(0, 60),
        status: expect.toSatisfy((status: number) => status >= 400 && status < 500),
      });
      expect((await response.text()).length).toBeLessThan(4000);
    }
    await nothingKept();
  });
});

describe("the form endpoint's own types", () => {
  const form = (body: BodyInit, headers: Record<string, string> = {}) =>
    callGateway(`${BASE}/forms/${keys.FORM_KEY}`, { method: "POST", headers: { accept: "application/json", ...page(), ...headers }, body });
  const urlencoded = { "content-type": "application/x-www-form-urlencoded" };

  it("reads a form in the charset it declares or names in _charset_, and Calltouch gets the letters sent", async () => {
    const comment = (word: readonly number[]) => `phone=89157771122&comment=${percentEncoded(word)}`;
    expect((await form(comment(WORD["utf-8"]), urlencoded)).status).toBe(200);
    expect((await form(`_charset_=windows-1251&${comment(WORD["windows-1251"])}`, urlencoded)).status).toBe(200);
    expect((await form(comment(WORD["koi8-r"]), { "content-type": "application/x-www-form-urlencoded; charset=koi8-r" })).status).toBe(200);
    const multipart = new Request(BASE, {
      method: "POST",
      body: (() => {
        const data = new FormData();
        data.set("phone", "89157771122");
        data.set("comment", "Запись");
        return data;
      })(),
    });
    expect((await form(await multipart.arrayBuffer(), { "content-type": multipart.headers.get("content-type")! })).status).toBe(200);

    await settle();
    const comments = (await simulator.requests()).flatMap((request) => request.body.orders.map((o: any) => o.comment.text));
    expect(comments).toEqual(["Запись", "Запись", "Запись", "Запись"]);
  });

  it("refuses a form whose bytes are no text in its charset, telling the site what to put in its <form>, as a page too", async () => {
    const refused = await form(`phone=89157771122&comment=${percentEncoded(WORD["windows-1251"])}`, urlencoded);
    expect(await refusalOf(refused)).toEqual({ status: 400, says: expect.stringMatching(/accept-charset="UTF-8"/) });
    const page_ = await form(`phone=89157771122&comment=${percentEncoded(WORD["windows-1251"])}`, { ...urlencoded, accept: "text/html" });
    expect(page_.status).toBe(400);
    expect(await page_.text()).toMatch(/accept-charset=(&quot;|")UTF-8/);
    expect((await form("phone=89157771122&comment=x", { "content-type": "text/plain" })).status).toBe(415);
    await nothingKept();
  });

  it(`reads ${40} fields of a form and refuses the ${41}st with 413`, async () => {
    const fields = (count: number) => Array.from({ length: count }, (_, i) => (i === 0 ? "phone=89157771122" : `f${i}=1`)).join("&");
    const at = await refusalOf(await form(fields(40), urlencoded));
    expect(at.status).toBe(400); // read, and refused by name: no lead has those fields
    expect(await refusalOf(await form(fields(41), urlencoded))).toEqual({ status: 413, says: expect.stringMatching(/не больше 40 полей/) });
    for (const name of ["__proto__", "constructor", "toString"]) {
      expect((await refusalOf(await form(`phone=89157771122&${name}=1`, urlencoded))).says).toMatch(
        new RegExp(`^${name}: такого поля в заявке нет`),
      );
    }
    await nothingKept();
  });
});

describe("orders past a call's limit", () => {
  const orders = (n: number) => Array.from({ length: n }, (_, i) => ({ orderNumber: `many-${i}` }));

  it.each([
    ["tRPC", "/trpc/orders.validate", (list: unknown[]) => ({ create: list }), secret],
    ["tRPC", "/trpc/orders.create", (list: unknown[]) => list, secret],
    ["tRPC", "/trpc/orders.update", (list: unknown[]) => ({ orders: list.map((o: any) => ({ ...o, status: "x" })) }), secret],
    ["REST", "/v1/orders:validate", (list: unknown[]) => ({ update: list.map((o: any) => ({ ...o, status: "x" })) }), secret],
    [
      "the drop-in",
      "/lead-service/v1/api/client-order/create",
      (list: unknown[]) => ({ crm: "x", orders: list }),
      { "access-token": keys.TEST_API_KEY },
    ],
    ["tRPC", "/trpc/orders.delete", (list: unknown[]) => ({ orderNumbers: list.map((o: any) => o?.orderNumber ?? o) }), secret],
    [
      "the drop-in",
      "/lead-service/v1/api/client-order/delete",
      (list: unknown[]) => ({ orderNumbers: list.map((o: any) => o?.orderNumber ?? o) }),
      { "access-token": keys.TEST_API_KEY },
    ],
  ])(
    `on %s (%s) are refused with 413 naming the limit, ${keys.MAX_ORDERS_PER_CALL} here, before any is read`,
    async (_, path, wrap, auth) => {
      const past = await post(path, auth)(JSON.stringify(wrap(orders(keys.MAX_ORDERS_PER_CALL + 1))));
      expect(await refusalOf(past)).toEqual({
        status: 413,
        says: `At most ${keys.MAX_ORDERS_PER_CALL} orders per call; this one has ${keys.MAX_ORDERS_PER_CALL + 1}`,
      });
      // Even orders no schema would take are counted first: the answer is the limit, not a thousand field errors.
      const junk = await post(path, auth)(JSON.stringify(wrap(Array(5000).fill(42))));
      expect((await refusalOf(junk)).says).toMatch(/^At most \d+ orders per call; this one has 5000$/);
      await nothingKept();
    },
  );

  it(`takes exactly ${keys.MAX_ORDERS_PER_CALL} through the drop-in, and Calltouch gets them all`, async () => {
    const response = await post("/lead-service/v1/api/client-order/create", { "access-token": keys.TEST_API_KEY })(
      JSON.stringify({ crm: "x", orders: orders(keys.MAX_ORDERS_PER_CALL) }),
    );
    expect(response.status).toBe(200);
    await settle();
    expect((await simulator.requests()).flatMap((request) => request.body.orders)).toHaveLength(keys.MAX_ORDERS_PER_CALL);
  });
});

describe("URLs and queries", () => {
  it("refuses a path or query whose percent-encoding is no UTF-8, on every door, rather than read %FF as letters", async () => {
    const get = (path: string) => callGateway(`${BASE}${path}`, { headers: secret });
    for (const path of [
      "/v1/orders/%FF",
      "/v1/orders/%C7%E0%EF%E8%F1%FC",
      "/v1/orders/100%",
      "/v1/orders/%ED%A0%80",
      "/trpc/orders.status?input=%FF",
    ]) {
      expect({ path, refusal: await refusalOf(await get(path)) }).toEqual({
        path,
        refusal: { status: 400, says: expect.stringMatching(/percent-encode/) },
      });
    }
    const patch = await callGateway(`${BASE}/v1/orders/%FF`, { method: "PATCH", headers: { ...secret, ...json }, body: '{"status":"x"}' });
    expect((await refusalOf(patch)).status).toBe(400);
    const remove = (path: string, init: RequestInit = {}) => callGateway(`${BASE}${path}`, { method: "DELETE", headers: secret, ...init });
    expect(await refusalOf(await remove("/v1/orders/%C7%E0%EF%E8%F1%FC"))).toEqual({
      status: 400,
      says: expect.stringMatching(/percent-encode/),
    });
    // A DELETE takes no body; one sent anyway is read by the same rules as any other.
    const withText = await remove("/v1/orders/x", { headers: { ...secret, "content-type": "text/plain" }, body: "x" });
    expect(await refusalOf(withText)).toEqual({ status: 415, says: expect.stringMatching(/not accepted here.*application\/json/) });
    // The letters of a UTF-8 path name their deal.
    expect((await get(`/v1/orders/${percentEncoded(WORD["utf-8"])}`)).status).toBe(404);
    await nothingKept();
  });

  it("reads a tRPC query's input by the same rules as a body", async () => {
    const query = (input: string) => callGateway(`${BASE}/trpc/orders.status?input=${encodeURIComponent(input)}`, { headers: secret });
    expect(await refusalOf(await query('{"orderNumbers":["a"],"orderNumbers":["b"]}'))).toEqual({
      status: 400,
      says: expect.stringMatching(/orderNumbers: given more than once/),
    });
    expect((await refusalOf(await query('{"orderNumbers":["\\udfff"]}'))).says).toMatch(/orderNumbers\[0\]: holds an unpaired/);
    expect((await query('{"orderNumbers":["Запись"]}')).status).toBe(200);
  });
});

describe("the console's forms", () => {
  const SAME_ORIGIN = { origin: BASE, "sec-fetch-site": "same-origin" };
  const signIn = (body: BodyInit, contentType: string) =>
    callGateway(`${BASE}/console/sign-in`, { method: "POST", headers: { ...SAME_ORIGIN, "content-type": contentType }, body });

  it("refuses another media type, a body past the limit and bytes that are no text, as a page, and signs nobody in", async () => {
    const key = `key=${encodeURIComponent(keys.TEST_API_KEY)}`;
    const answers = [
      [await signIn(key, "text/plain"), 415],
      [await signIn(`${key}&pad=${"x".repeat(MAX_BODY_BYTES)}`, "application/x-www-form-urlencoded"), 413],
      [
        await signIn(bytes([...new TextEncoder().encode(`${key}&name=`), 0xff, 0xfe]), "application/x-www-form-urlencoded; charset=utf-8"),
        400,
      ],
    ] as const;
    for (const [response, status] of answers) {
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    // The same key, as a form the edge reads, signs in: the refusals above were for the body alone.
    expect((await signIn(key, "application/x-www-form-urlencoded")).status).toBe(303);
  });

  it("answers a signed-in operator's hostile replay below 500, and replays nothing it did not name", async () => {
    const signedIn = await signIn(`key=${encodeURIComponent(keys.TEST_API_KEY)}`, "application/x-www-form-urlencoded");
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    const page = await (await callGateway(`${BASE}/console`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const replay = (body: string, contentType = "application/x-www-form-urlencoded") =>
      callGateway(`${BASE}/console/sites/${keys.SIMULATOR_SITE_ID}/replay`, {
        method: "POST",
        headers: { ...SAME_ORIGIN, cookie, "content-type": contentType },
        body,
      });
    for (const body of [
      `csrf=${csrf}&id=1e309&id=-1&id=${"9".repeat(400)}&id=%00`,
      `csrf=${csrf}&reason=${"%E2%80%A6".repeat(2000)}`,
      `csrf=${csrf}&csrf=forged`,
    ]) {
      const response = await replay(body);
      expect(response.status).toBeLessThan(500);
    }
    // JSON that means two things is refused by the edge; a JSON body carries no form token.
    expect((await replay(`{"csrf":"${csrf}","csrf":"x"}`, "application/json")).status).toBe(400);
    expect((await replay(`{"csrf":"${csrf}"}`, "application/json")).status).toBe(403);
    expect(await simulator.requests()).toEqual([]);
  });
});
