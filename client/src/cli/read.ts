import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Transform } from "node:stream";
import { parse } from "csv-parse";

/** One row of the source: the line it starts on (1-based, as an editor shows it) and its cells or keys. */
export interface SourceRow {
  line: number;
  values: Record<string, unknown>;
  /** Why the row could not be read at all (a JSON Lines line that is not a JSON object). */
  error?: string;
}

/** A file that cannot be read as its format at all (not a bad row): exit code 2. */
export class SourceError extends Error {}

/** The encodings a source may have: UTF-8 (with or without a BOM), and Windows-1251 of 1C and a Russian Excel. */
export const ENCODINGS = ["utf-8", "windows-1251"] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** How a file's bytes become rows: its encoding and, for CSV, the character between cells. */
export interface Dialect {
  encoding: Encoding;
  delimiter: string;
}

/** The delimiters a header is tried with; on a tie the first wins. */
const DELIMITERS = [",", ";", "\t", "|"];
/** Enough of a file to know its encoding and to hold its header line. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * How `path` was written, from its first 64 KiB, for what the command line did not force. The encoding is
 * UTF-8 when those bytes are valid UTF-8 (Windows-1251 Cyrillic never is: its letters are lead bytes
 * without continuation bytes), Windows-1251 otherwise. The delimiter is the one that splits the header line
 * into the most cells, outside quotes: a Russian Excel and 1C write `;`, since `,` is their decimal point.
 *
 * @example const dialect = await detectDialect("deals.csv", {}); // { encoding: "windows-1251", delimiter: ";" }
 */
export async function detectDialect(path: string, forced: Partial<Dialect>): Promise<Dialect> {
  const file = await open(path);
  const sample = Buffer.alloc(SAMPLE_BYTES);
  let bytes: number;
  try {
    ({ bytesRead: bytes } = await file.read(sample, 0, SAMPLE_BYTES, 0));
  } finally {
    await file.close();
  }
  const head = sample.subarray(0, bytes);
  const encoding = forced.encoding ?? (isUtf8(head, bytes === SAMPLE_BYTES) ? "utf-8" : "windows-1251");
  const delimiter = forced.delimiter ?? delimiterOf(headerLine(new TextDecoder(encoding).decode(head)));
  return { encoding, delimiter };
}

/** Whether `bytes` are UTF-8; `cut` when they may end inside a character, which is not held against them. */
function isUtf8(bytes: Uint8Array, cut: boolean): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes, { stream: cut });
    return true;
  } catch {
    return false;
  }
}

/** The text up to the first line break outside quotes: a CSV's header. */
function headerLine(text: string): string {
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) return text.slice(0, index);
  }
  return text;
}

function delimiterOf(header: string): string {
  const outsideQuotes = header.replace(/"[^"]*"/g, "");
  const counts = DELIMITERS.map((delimiter) => outsideQuotes.split(delimiter).length - 1);
  const most = Math.max(...counts);
  return most === 0 ? "," : DELIMITERS[counts.indexOf(most)]!;
}

/**
 * Streams the rows of a CSV file (the first line names the columns) or a JSON Lines file in `dialect`,
 * without holding the file in memory: an import reads it twice, once to validate and once to send.
 *
 * @example for await (const { line, values } of readRows("deals.csv", "csv", await detectDialect("deals.csv", {}))) console.log(line, values.orderNumber)
 */
export async function* readRows(
  path: string,
  format: "csv" | "jsonl",
  dialect: Dialect = { encoding: "utf-8", delimiter: "," },
): AsyncGenerator<SourceRow> {
  if (format === "jsonl") yield* readJsonLines(path, dialect.encoding);
  else yield* readCsv(path, dialect);
}

/** The file as text: UTF-8 is left to the readers (csv-parse drops its BOM), any other encoding is decoded here. */
function textOf(path: string, encoding: Encoding) {
  const bytes = createReadStream(path);
  if (encoding === "utf-8") return bytes;
  const decoder = new TextDecoder(encoding);
  return bytes.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        done(null, decoder.decode(chunk, { stream: true }));
      },
      flush(done) {
        done(null, decoder.decode());
      },
    }),
  );
}

async function* readCsv(path: string, { encoding, delimiter }: Dialect): AsyncGenerator<SourceRow> {
  const parser = textOf(path, encoding).pipe(
    parse({
      columns: (header: string[]) => {
        const seen = new Set<string>();
        return header.map((name) => {
          const column = name.trim();
          if (seen.has(column)) throw new SourceError(`${path}: the column "${column}" appears twice in the header`);
          seen.add(column);
          return column;
        });
      },
      delimiter,
      bom: true,
      // Excel and CRMs end files with blank lines; a row of only delimiters is data, a blank line is not.
      skip_empty_lines: true,
      raw: true,
    }),
  );
  // The line a record starts on, counted from the raw text of the records: csv-parse's own `info.lines`
  // counts a CR LF inside a quoted cell twice, and says where a record ends, while editors show where it starts.
  let next = 2;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: Record<string, string>; raw: string }>) {
      const blank = lineBreaks(/^(\r\n|\r|\n)*/.exec(raw)![0]);
      yield { line: next + blank, values: record };
      next += lineBreaks(raw);
    }
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`${path}: not readable as CSV: ${(error as Error).message}`);
  }
}

function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

async function* readJsonLines(path: string, encoding: Encoding): AsyncGenerator<SourceRow> {
  const lines = createInterface({ input: textOf(path, encoding), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, "") : text).trim();
    if (trimmed === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      yield { line, values: {}, error: `not valid JSON: ${(error as Error).message}` };
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      yield { line, values: {}, error: "expected a JSON object (one order per line)" };
      continue;
    }
    yield { line, values: value as Record<string, unknown> };
  }
}
