import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
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

/**
 * Streams the rows of a CSV file (the first line names the columns) or a JSON Lines file, without
 * holding the file in memory: an import reads it twice, once to validate and once to send.
 *
 * @example for await (const { line, values } of readRows("deals.csv", "csv")) console.log(line, values.orderNumber)
 */
export async function* readRows(path: string, format: "csv" | "jsonl", delimiter = ","): AsyncGenerator<SourceRow> {
  if (format === "jsonl") yield* readJsonLines(path);
  else yield* readCsv(path, delimiter);
}

async function* readCsv(path: string, delimiter: string): AsyncGenerator<SourceRow> {
  const parser = createReadStream(path).pipe(
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

async function* readJsonLines(path: string): AsyncGenerator<SourceRow> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
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
