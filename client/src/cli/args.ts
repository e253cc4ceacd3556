import { parseArgs } from "node:util";
import { MAX_ORDERS_PER_CALL } from "@calltouch-gateway/contract";
import { ENCODINGS, type Encoding } from "./read";

/** What one `calltouch-gateway import` run was asked to do, after the command line was checked. */
export interface ImportOptions {
  file: string;
  format: "csv" | "jsonl";
  url: string;
  apiKey: string;
  kind: "create" | "update";
  /** `--map` pairs and the `--mapping` file's path, merged later by `loadMapping` (file first, then `--map`). */
  map: string[];
  mappingFile: string | undefined;
  ignoreUnmapped: boolean;
  skipInvalid: boolean;
  batch: number;
  state: string;
  restart: boolean;
  receipts: string | undefined;
  /** Forced by the command line; otherwise found in the file (`detectDialect`). */
  delimiter: string | undefined;
  encoding: Encoding | undefined;
  progress: boolean;
}

/** A command line that cannot run: exit code 2, with the message and a pointer to `--help`. */
export class UsageError extends Error {}

export const HELP = `Usage: calltouch-gateway import <file> --url <gateway> [--key <api key>] [options]
       calltouch-gateway deliveries stats|list|replay|resume --url <gateway>   (see deliveries --help)

Imports deals from a CSV or JSON Lines file into calltouch-gateway, in three steps:

  1. Reads and validates every row with the gateway's own schema, and reports each bad row as
     "line N: field: message". If any row is bad, nothing is sent (exit 1) unless --skip-invalid.
  2. Sends the valid rows in calls of up to --batch orders (orders.create, or orders.update with
     --update), one call at a time, retrying throttling (429), 5xx and network errors.
  3. Prints a summary; with --receipts, writes one JSON line per row.

Options:
  --url <url>             the gateway's base URL, e.g. https://calltouch-gateway.example.workers.dev
  --key <key>             a secret API key with orders:write; defaults to $CALLTOUCH_GATEWAY_KEY
                          (prefer the variable: a key on the command line stays in shell history)
  --format csv|jsonl      default: from the extension (.jsonl/.ndjson: JSON Lines, otherwise CSV)
  --delimiter <char>      CSV field delimiter, or "tab"; by default the one that splits the header
                          (the first line, which names the columns) most: "," ";" tab or "|"
  --encoding <name>       utf-8 or windows-1251 (cp1251); by default utf-8 when the file is valid
                          UTF-8 (a BOM or not), windows-1251 otherwise, as 1C and Excel write it
  --mapping <file.json>   column → field, e.g. {"Сделка": "orderNumber", "Сумма": "revenue",
                          "Телефон": "phones", "Заметки": null}   (null: ignore the column)
  --map <column=field>    the same, repeatable, applied after --mapping; "--map Notes=" ignores Notes
  --ignore-unmapped       ignore columns that map to no field (by default a CSV column that maps to
                          no field is an error, exit 2, before any row is read)
  --update                send orders.update instead of orders.create
  --skip-invalid          send the valid rows even when some are bad (bad rows are still reported,
                          and the exit code is still 1)
  --batch <n>             orders per call, 1–${MAX_ORDERS_PER_CALL} (default ${MAX_ORDERS_PER_CALL})
  --state <file>          where progress is kept for resuming (default <file>.import-state.json)
  --restart               ignore the state file and start from the first row
  --receipts <out.jsonl>  one JSON line per row: the bad rows first ({"line", "orderNumber", "state":
                          "invalid", "errors"}), then the sent rows in line order with the gateway's
                          receipt ({"line", "orderNumber", "changeId", "state": "queued", …}, or
                          "refused" with "errors"); a resumed run appends to it (give it both times)
  --no-progress           no progress bar; one line per call on stderr instead
  -h, --help              this text

Mapping: a column whose name is an order field (orderNumber, status, revenue, …) maps to it by itself.
A column mapped to phones, emails or tags adds its cell as one element of that list (map several
columns to phones to give several phones). "source.medium" sets a field of an object;
"customFields.<name>" adds the custom field <name>. Cells of object and list fields (products,
matching, orderContacts, customFields, source, …) are read as JSON. Empty cells are "not set".
In JSON Lines each line is one object; the mapping renames its keys the same way, and a key that is
no field is that row's error (with the schema's "did you mean"), not the run's.

Resuming and duplicates: every order carries an idempotencyKey, a digest of the file's name, the
row's line and the row's content, so the gateway answers a repeated row with its first receipt and
stores nothing twice (for RETENTION_DAYS, 7 by default). After each accepted call the state file
records the line reached; a rerun of the same command on the same file skips what was accepted and
says "resumed at line N". The state file is removed when every row was accepted. Changing the file
makes its state file stale: the run then refuses to start (exit 2) until you pass --restart.

Exit codes: 0 every row accepted; 1 bad rows, refusals, or the gateway could not be reached
(the state file is kept: run again to resume); 2 usage (arguments, mapping, unreadable file).

Example:
  CALLTOUCH_GATEWAY_KEY=sk_… calltouch-gateway import deals.csv --url https://gw.example \\
    --map "Сделка=orderNumber" --map "Сумма=revenue" --map "Телефон=phones" --receipts receipts.jsonl
`;

/**
 * Parses the arguments after the program name; answers `"help"` for `--help`, and throws `UsageError`
 * for anything that cannot run.
 *
 * @example parseImportArgs(["import", "deals.csv", "--url", "http://localhost:8787", "--key", "dev-key"], {})
 */
export function parseImportArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ImportOptions | "help" {
  let parsed: ReturnType<typeof parseImportArgv>;
  try {
    parsed = parseImportArgv(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return "help";
  const [command, file, ...extra] = positionals;
  if (command !== "import") throw new UsageError(`unknown command "${command}": the commands are "import" and "deliveries"`);
  if (!file) throw new UsageError("give the file to import: calltouch-gateway import <file> --url …");
  if (extra.length > 0) throw new UsageError(`one file at a time; unexpected: ${extra.join(" ")}`);
  if (!values.url) throw new UsageError("--url is required: the gateway's base URL");
  try {
    new URL(values.url);
  } catch {
    throw new UsageError(`--url ${values.url} is not a URL`);
  }
  const apiKey = values.key ?? env.CALLTOUCH_GATEWAY_KEY;
  if (!apiKey) throw new UsageError("give an API key: --key <key> or the CALLTOUCH_GATEWAY_KEY variable");
  const format = values.format ?? (/\.(jsonl|ndjson)$/i.test(file) ? "jsonl" : "csv");
  if (format !== "csv" && format !== "jsonl") throw new UsageError(`--format is csv or jsonl, not "${format}"`);
  const batch = Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_ORDERS_PER_CALL) {
    throw new UsageError(`--batch is a whole number from 1 to ${MAX_ORDERS_PER_CALL}, not "${values.batch}"`);
  }
  const delimiter = values.delimiter === "tab" ? "\t" : values.delimiter;
  if (delimiter !== undefined && delimiter.length !== 1) throw new UsageError(`--delimiter is one character or "tab", not "${delimiter}"`);
  const encoding = values.encoding === undefined ? undefined : ENCODING_NAMES[values.encoding.toLowerCase()];
  if (values.encoding !== undefined && encoding === undefined) {
    throw new UsageError(`--encoding is ${ENCODINGS.join(" or ")}, not "${values.encoding}"`);
  }
  return {
    file,
    format,
    url: values.url,
    apiKey,
    kind: values.update ? "update" : "create",
    map: values.map,
    mappingFile: values.mapping,
    ignoreUnmapped: values["ignore-unmapped"],
    skipInvalid: values["skip-invalid"],
    batch,
    state: values.state ?? `${file}.import-state.json`,
    restart: values.restart,
    receipts: values.receipts,
    delimiter,
    encoding,
    progress: values.progress && !values["no-progress"],
  };
}

/** The names `--encoding` takes for each encoding. */
const ENCODING_NAMES: Record<string, Encoding> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  "windows-1251": "windows-1251",
  cp1251: "windows-1251",
  win1251: "windows-1251",
};

/** Node's own parser with the import command's options; throws on an unknown or malformed option. */
function parseImportArgv(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      url: { type: "string" },
      key: { type: "string" },
      format: { type: "string" },
      delimiter: { type: "string" },
      encoding: { type: "string" },
      mapping: { type: "string" },
      map: { type: "string", multiple: true, default: [] },
      "ignore-unmapped": { type: "boolean", default: false },
      update: { type: "boolean", default: false },
      "skip-invalid": { type: "boolean", default: false },
      batch: { type: "string", default: String(MAX_ORDERS_PER_CALL) },
      state: { type: "string" },
      restart: { type: "boolean", default: false },
      receipts: { type: "string" },
      progress: { type: "boolean", default: true },
      "no-progress": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
