// The import tool's pieces that need no gateway: reading CSV and JSON Lines with their line numbers,
// the column mapping, and validation by the contract's own schema. test/e2e/import.test.ts drives the
// whole tool against the dev servers.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseImportArgs, UsageError } from "../../client/src/cli/args";
import { loadMapping, mapRow, resolveMapping } from "../../client/src/cli/mapping";
import { readRows, type SourceRow } from "../../client/src/cli/read";
import { checkRow, rowKey } from "../../client/src/cli/validate";

const dir = mkdtempSync(join(tmpdir(), "calltouch-gateway-import-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function all(rows: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe("readRows", () => {
  it("numbers CSV rows by the line they start on, across a BOM, quoted line breaks and blank lines", async () => {
    const path = file("a.csv", '\uFEFFid,comment\r\n1,plain\r\n2,"two\r\nlines"\r\n\r\n3,"a, b"\r\n');
    expect(await all(readRows(path, "csv"))).toEqual([
      { line: 2, values: { id: "1", comment: "plain" } },
      { line: 3, values: { id: "2", comment: "two\r\nlines" } },
      { line: 6, values: { id: "3", comment: "a, b" } },
    ]);
  });

  it("reads JSON Lines, skipping blank lines and reporting a line that is not an object", async () => {
    const path = file("a.jsonl", '{"orderNumber": "1"}\n\n[1]\n{oops\n');
    const rows = await all(readRows(path, "jsonl"));
    expect(rows.map(({ line, error }) => [line, error === undefined ? "ok" : error.split(":")[0]])).toEqual([
      [1, "ok"],
      [3, "expected a JSON object (one order per line)"],
      [4, "not valid JSON"],
    ]);
  });
});

describe("the mapping", () => {
  it("maps named columns, columns named like fields by themselves, lists, objects and custom fields", () => {
    const mapping = resolveMapping(
      ["ID", "status", "Телефон", "Телефон 2", "utm_source", "Город", "Товары", "Заметки"],
      loadMapping(undefined, [
        "ID=orderNumber",
        "Телефон=phones",
        "Телефон 2=phones",
        "utm_source=source.source",
        "Город=customFields.Город",
        "Товары=products",
        "Заметки=",
      ]),
      "create",
      { ignoreUnmapped: false },
    );
    expect(
      mapRow(
        {
          ID: "42",
          status: "Запись",
          Телефон: "8 915 777-11-22",
          "Телефон 2": "",
          utm_source: "yandex",
          Город: "Тверь",
          Товары: '[{"name": "Кровать", "price": 10}]',
          Заметки: "x",
        },
        mapping,
      ),
    ).toEqual({
      order: {
        orderNumber: "42",
        status: "Запись",
        phones: ["8 915 777-11-22"],
        source: { source: "yandex" },
        customFields: [{ field: "Город", value: "Тверь" }],
        products: [{ name: "Кровать", price: 10 }],
      },
      errors: [],
    });
  });

  it("refuses unmapped columns, unknown fields and a missing orderNumber, all at once", () => {
    expect(() => resolveMapping(["id", "Сумма"], loadMapping(undefined, ["id=orderNumbr"]), "create", { ignoreUnmapped: false })).toThrow(
      /"id" maps to "orderNumbr", which is not a field of create[\s\S]*columns mapped to no field: "Сумма"[\s\S]*no column maps to orderNumber/,
    );
    expect(resolveMapping(["orderNumber", "Сумма"], {}, "create", { ignoreUnmapped: true })).toEqual({
      orderNumber: "orderNumber",
      Сумма: null,
    });
    // JSON Lines: a stray key is the row's error (the schema names it, with a "did you mean"), not the run's.
    expect(resolveMapping(["orderNumber", "revenu"], {}, "create", { ignoreUnmapped: false, unmappedAreRowErrors: true })).toEqual({
      orderNumber: "orderNumber",
      revenu: "revenu",
    });
    expect(checkRow({ line: 3, values: { orderNumber: "1", revenu: 5 } }, {}, "create", "d.jsonl")).toMatchObject({
      ok: false,
      errors: ['revenu: unknown key "revenu" (did you mean "revenue"?)'],
    });
  });
});

describe("checkRow", () => {
  const mapping = { id: "orderNumber", phone: "phones", sum: "revenue" };

  it("reports every bad field of a row as the gateway would", () => {
    expect(checkRow({ line: 7, values: { id: "42", phone: "123", sum: "10.555" } }, mapping, "create", "deals.csv")).toEqual({
      line: 7,
      ok: false,
      orderNumber: "42",
      errors: [
        expect.stringMatching(/^revenue: more than 2 decimal places/),
        expect.stringMatching(/^phones\[0\]: not a valid phone number/),
      ],
    });
    expect(checkRow({ line: 8, values: { id: "42" } }, mapping, "update", "deals.csv")).toMatchObject({
      ok: false,
      errors: [expect.stringContaining("an update must change something")],
    });
  });

  it("gives a valid row a key that depends on the file's name, the line and the content only", () => {
    const row = { line: 9, values: { id: "42", phone: "+7 915 777-11-22", sum: "1000" } };
    const checked = checkRow(row, mapping, "create", "/a/deals.csv");
    expect(checked).toMatchObject({ ok: true, order: { orderNumber: "42", phones: ["+7 915 777-11-22"], revenue: "1000" } });
    const key = checked.ok ? checked.order.idempotencyKey : "";
    expect(key).toMatch(/^import-[0-9a-f]{40}$/);
    expect(checkRow(row, mapping, "create", "/b/deals.csv")).toMatchObject({ order: { idempotencyKey: key } });
    expect(rowKey("/a/deals.csv", 10, "create", { orderNumber: "42", phones: ["+7 915 777-11-22"], revenue: "1000" })).not.toBe(key);
  });
});

describe("the command line", () => {
  it("takes the key from CALLTOUCH_GATEWAY_KEY and refuses what cannot run", () => {
    expect(parseImportArgs(["import", "d.jsonl", "--url", "http://x", "--batch", "10"], { CALLTOUCH_GATEWAY_KEY: "k" })).toMatchObject({
      apiKey: "k",
      format: "jsonl",
      batch: 10,
      state: "d.jsonl.import-state.json",
    });
    for (const argv of [
      ["import", "d.csv", "--url", "http://x"],
      ["import", "d.csv", "--url", "http://x", "--key", "k", "--batch", "1001"],
      ["export", "d.csv"],
    ]) {
      expect(() => parseImportArgs(argv, {}), argv.join(" ")).toThrow(UsageError);
    }
  });
});
