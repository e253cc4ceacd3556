// The import tool's pieces that need no gateway: reading CSV and JSON Lines with their line numbers,
// the column mapping, and validation by the contract's own schema. test/e2e/import.test.ts drives the
// whole tool against the dev servers.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCli, cli } from "../../client/scripts/build-cli.mjs";
import { parseImportArgs, UsageError } from "../../client/src/cli/args";
import { loadMapping, mapRow, resolveMapping } from "../../client/src/cli/mapping";
import { detectDialect, readRows, type SourceRow } from "../../client/src/cli/read";
import { checkRow, rowKey } from "../../client/src/cli/validate";

const dir = mkdtempSync(join(tmpdir(), "calltouch-gateway-import-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Windows-1251 bytes of `text`, as 1C and a Russian Excel write them (the table is the decoder's own, reversed). */
const cp1251Bytes = new Map(
  [...new TextDecoder("windows-1251").decode(Uint8Array.from({ length: 256 }, (_, byte) => byte))].map((char, byte) => [char, byte]),
);
function cp1251(text: string): Uint8Array {
  return Uint8Array.from([...text], (char) => {
    const byte = cp1251Bytes.get(char);
    if (byte === undefined) throw new Error(`${char} has no Windows-1251 byte`);
    return byte;
  });
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

describe("files as 1C and Excel write them", () => {
  const oneC = cp1251(
    'Номер;Дата;Сумма;Телефон;Комментарий\r\n1;19.07.2021;1000,50;+7 (915) 777-11-22;"Звонок; перезвонить"\r\n2;20.07.2021;500;8 916 555-44-33;Ёлка №5\r\n',
  );

  it("finds Windows-1251 and ; in a 1C export (CRLF, no BOM), and reads its Cyrillic intact", async () => {
    const path = file("1c.csv", oneC);
    const dialect = await detectDialect(path, {});
    expect(dialect).toEqual({ encoding: "windows-1251", delimiter: ";" });
    expect(await all(readRows(path, "csv", dialect))).toEqual([
      {
        line: 2,
        values: { Номер: "1", Дата: "19.07.2021", Сумма: "1000,50", Телефон: "+7 (915) 777-11-22", Комментарий: "Звонок; перезвонить" },
      },
      { line: 3, values: { Номер: "2", Дата: "20.07.2021", Сумма: "500", Телефон: "8 916 555-44-33", Комментарий: "Ёлка №5" } },
    ]);
  });

  it("finds UTF-8 and ; in Excel's \"CSV UTF-8\" (a BOM), whatever commas the header's names hold", async () => {
    const path = file("excel.csv", "\uFEFFID;Сумма, руб.;Телефон\r\n42;1 000,00;79157771122\r\n");
    const dialect = await detectDialect(path, {});
    expect(dialect).toEqual({ encoding: "utf-8", delimiter: ";" });
    expect(await all(readRows(path, "csv", dialect))).toEqual([
      { line: 2, values: { ID: "42", "Сумма, руб.": "1 000,00", Телефон: "79157771122" } },
    ]);
  });

  it("keeps UTF-8 when the sample ends inside a character, and finds , and tabs too", async () => {
    // The header, then rows of two-byte letters, so that the 64 KiB sample ends in the middle of one.
    const long = `номер,имя\n${"1,Ж\n".repeat(20_000)}`;
    expect(Buffer.from(long)[64 * 1024 - 1]).toBe(0xd0); // the first byte of a "Ж"
    expect(await detectDialect(file("long.csv", long), {})).toEqual({ encoding: "utf-8", delimiter: "," });
    expect(await detectDialect(file("tabs.tsv", "id\tимя\tтелефон\n1\tАнна\t79157771122\n"), {})).toEqual({
      encoding: "utf-8",
      delimiter: "\t",
    });
  });

  it("takes the encoding and the delimiter the command line forces", async () => {
    const path = file("forced.csv", cp1251("Номер;Сумма\r\n1;500\r\n"));
    expect(await detectDialect(path, { encoding: "utf-8", delimiter: "," })).toEqual({ encoding: "utf-8", delimiter: "," });
    expect(await all(readRows(path, "csv", { encoding: "windows-1251", delimiter: "," }))).toEqual([
      { line: 2, values: { "Номер;Сумма": "1;500" } },
    ]);
    const options = (...extra: string[]) => parseImportArgs(["import", "d.csv", "--url", "http://x", "--key", "k", ...extra], {});
    expect(options("--encoding", "CP1251", "--delimiter", "tab")).toMatchObject({ encoding: "windows-1251", delimiter: "\t" });
    expect(options()).toMatchObject({ encoding: undefined, delimiter: undefined });
    expect(() => options("--encoding", "koi8-r")).toThrow(/--encoding is utf-8 or windows-1251, not "koi8-r"/);
    expect(() => options("--delimiter", ";;")).toThrow(UsageError);
  });

  it("imports a 1C export by its Cyrillic column names, saying what it found, and judges every row", async () => {
    const path = file("1c-import.csv", oneC);
    await buildCli();
    const maps = ["Номер=orderNumber", "Телефон=phones", "Сумма=revenue", "Дата=", "Комментарий=comment"].flatMap((pair) => [
      "--map",
      pair,
    ]);
    const run = spawnSync(process.execPath, [cli.out, "import", path, "--url", "http://127.0.0.1:9", "--no-progress", ...maps], {
      env: { ...process.env, CALLTOUCH_GATEWAY_KEY: "k" },
      encoding: "utf8",
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`reading ${path} as windows-1251, delimiter ";" (encoding and delimiter found in the file)`);
    // "1000,50" is a Russian decimal comma, which the contract refuses by name; nothing is sent.
    expect(run.stderr).toMatch(/line 2: revenue: /);
    expect(run.stdout).toContain("read 2 rows (lines 2–3): 1 invalid, 1 valid");
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
