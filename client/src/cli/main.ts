import { createHash } from "node:crypto";
import { closeSync, existsSync, ftruncateSync, openSync, statSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { HELP, type ImportOptions, parseImportArgs, UsageError } from "./args";
import { runDeliveries } from "./deliveries";
import { loadMapping, type Mapping, resolveMapping } from "./mapping";
import { createProgress } from "./progress";
import { type Dialect, detectDialect, readRows, SourceError } from "./read";
import { type CallOutcome, createSender, FatalSendError } from "./send";
import { clearState, fileDigest, type ImportState, loadState, saveState } from "./state";
import { type CheckedRow, checkRow } from "./validate";

/** Where a run writes: the summary on `stdout`, bad rows, progress and problems on `stderr`. */
export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs `calltouch-gateway` with the arguments after the program name and answers the exit code:
 * 0 every row accepted, 1 bad rows or refusals (or the gateway unreachable), 2 usage.
 *
 * @example process.exitCode = await main(["import", "deals.csv", "--url", "http://localhost:8787"], { stdout: process.stdout, stderr: process.stderr, env: process.env })
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    if (argv[0] === "deliveries") return await runDeliveries(argv.slice(1), io);
    const options = parseImportArgs(argv, io.env);
    if (options === "help") {
      io.stdout.write(HELP);
      return 0;
    }
    return await runImport(options, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof SourceError) {
      io.stderr.write(`calltouch-gateway: ${error.message}\n(see calltouch-gateway --help)\n`);
      return 2;
    }
    throw error;
  }
}

type Valid = Extract<CheckedRow, { ok: true }>;

async function runImport(options: ImportOptions, io: Io): Promise<number> {
  if (!existsSync(options.file) || !statSync(options.file).isFile()) throw new UsageError(`no file ${options.file}`);
  const dialect = await detectDialect(options.file, { encoding: options.encoding, delimiter: options.delimiter });
  io.stderr.write(`reading ${options.file} as ${describeDialect(options, dialect)}\n`);
  const mapping = resolveMapping(await columnsOf(options, dialect), loadMapping(options.mappingFile, options.map), options.kind, {
    ignoreUnmapped: options.ignoreUnmapped,
    // A CSV's header is one promise for every row; JSON Lines keys vary by row, and a stray one (a typo
    // such as "revenu") is that row's error, reported by line with the schema's "did you mean".
    unmappedAreRowErrors: options.format === "jsonl",
  });
  const rows = () => checkedRows(options, dialect, mapping);

  // Pass 1: judge every row before anything is sent.
  let read = 0;
  let firstLine = 0;
  let lastLine = 0;
  const invalid: Extract<CheckedRow, { ok: false }>[] = [];
  for await (const row of rows()) {
    read += 1;
    firstLine ||= row.line;
    lastLine = row.line;
    if (row.ok) continue;
    invalid.push(row);
    for (const error of row.errors) io.stderr.write(`line ${row.line}: ${error}\n`);
  }
  const valid = read - invalid.length;
  const summary = [`read ${read} rows${read ? ` (lines ${firstLine}–${lastLine})` : ""}: ${invalid.length} invalid, ${valid} valid`];
  if (invalid.length > 0 && !options.skipInvalid) {
    summary.push(`nothing sent: fix the ${invalid.length} bad rows above, or pass --skip-invalid to send the ${valid} valid ones`);
    io.stdout.write(`${summary.join("\n")}\n`);
    return 1;
  }

  // Resume where an earlier run of the same file stopped.
  const sha256 = await fileDigest(options.file);
  const mappingDigest = createHash("sha256")
    .update(JSON.stringify(Object.entries(mapping).sort()))
    .digest("hex");
  const found = options.restart
    ? undefined
    : loadState(options.state, { file: options.file, sha256, kind: options.kind, mapping: mappingDigest });
  if (found === "stale") {
    throw new UsageError(
      `${options.state} belongs to another file, another version of this one, another mapping, or the other of create and --update: pass --restart to start from the first row (rows the gateway already stored are answered by their idempotency keys, not stored twice)`,
    );
  }
  const state: ImportState = found ?? {
    version: 1,
    file: resolve(options.file),
    sha256,
    kind: options.kind,
    mapping: mappingDigest,
    nextLine: 0,
    accepted: 0,
    receiptsBytes: 0,
  };
  const resent = state.pending?.rows ?? 0;
  if (found) {
    const at = state.pending?.fromLine ?? state.nextLine;
    summary.push(
      `resumed at line ${at}: ${state.accepted} rows were accepted by an earlier run${resent ? `; the ${resent} rows of lines ${state.pending!.fromLine}–${state.pending!.toLine}, on their way when it stopped, go again (the gateway answers the ones it stored by their idempotency keys)` : ""}`,
    );
    io.stderr.write(`resumed at line ${at}\n`);
  }

  const receipts = options.receipts === undefined ? undefined : openReceipts(options.receipts, found ? state.receiptsBytes : 0);
  // The bad rows lead the receipts, once: a resumed run appends after what the state vouches for.
  if (receipts && (!found || state.receiptsBytes === 0))
    for (const row of invalid) receipts.write({ line: row.line, orderNumber: row.orderNumber, state: "invalid", errors: row.errors });
  state.receiptsBytes = receipts?.bytes() ?? 0;

  const progress = createProgress(io.stderr, valid, state.accepted, options.progress);
  const send = createSender(options, options.kind, {
    onRetry: (message, delayMs) => progress.log(`retrying in ${(delayMs / 1000).toFixed(1)} s: ${message}`),
  });
  let calls = 0;
  let accepted = 0;
  const refused: { line: number; message: string }[] = [];

  /** Sends one batch; refused rows are taken out and the rest sent again, so one bad row does not sink its call. */
  const flush = async (batch: Valid[]) => {
    if (batch.length === 0) return;
    state.pending = { fromLine: batch[0]!.line, toLine: batch.at(-1)!.line, rows: batch.length };
    saveState(options.state, state);
    let rest = batch;
    let done = 0;
    while (rest.length > 0) {
      calls += 1;
      const outcome: CallOutcome = await send(rest.map((row) => row.order));
      if ("receipts" in outcome) {
        for (const [index, receipt] of outcome.receipts.entries()) receipts?.write({ line: rest[index]!.line, ...receipt });
        accepted += rest.length;
        state.accepted += rest.length;
        done = rest.length;
        break;
      }
      const byIndex = new Map<number, string[]>();
      for (const error of outcome.refused) {
        const [index, ...path] = error.path;
        if (typeof index !== "number") continue;
        byIndex.set(index, [
          ...(byIndex.get(index) ?? []),
          `${path.length ? error.field.replace(/^\[\d+\]\.?/, "") : "order"}: ${error.message}`,
        ]);
      }
      // A refusal that names no row (a 409 for a reused key, a changed gateway) refuses the whole call.
      const out = byIndex.size > 0 ? rest.filter((_, index) => byIndex.has(index)) : rest;
      for (const [index, row] of rest.entries()) {
        if (byIndex.size > 0 && !byIndex.has(index)) continue;
        const message = byIndex.get(index)?.join("; ") ?? outcome.message;
        refused.push({ line: row.line, message });
        progress.log(`line ${row.line}: refused by the gateway: ${message}`);
        receipts?.write({ line: row.line, orderNumber: String(row.order.orderNumber), state: "refused", errors: [message] });
      }
      rest = rest.filter((row) => !out.includes(row));
    }
    state.nextLine = batch.at(-1)!.line + 1;
    state.receiptsBytes = receipts?.bytes() ?? 0;
    delete state.pending;
    saveState(options.state, state);
    // Told only once the state file holds it: a kill after this line never sends these rows again.
    const lines = `lines ${batch[0]!.line}–${batch.at(-1)!.line}`;
    progress.advance(
      batch.length,
      done === batch.length ? `accepted ${lines}` : `${lines}: ${done} accepted, ${batch.length - done} refused`,
    );
  };

  // Pass 2: send the valid rows the earlier runs did not get accepted, one call at a time, in file order.
  try {
    let batch: Valid[] = [];
    for await (const row of rows()) {
      if (!row.ok || row.line < state.nextLine) continue;
      batch.push(row);
      if (batch.length === options.batch) {
        await flush(batch);
        batch = [];
      }
    }
    await flush(batch);
  } catch (error) {
    progress.stop();
    receipts?.close();
    if (!(error instanceof FatalSendError)) throw error;
    // A call refused outright stored nothing: the next run need not count it as re-sent.
    if (!error.maybeStored && state.pending) {
      delete state.pending;
      saveState(options.state, state);
    }
    summary.push(
      `sent ${accepted} rows in ${calls} calls, then stopped: ${error.message}`,
      `progress is kept in ${options.state}: run the same command again to resume`,
    );
    io.stdout.write(`${summary.join("\n")}\n`);
    return 1;
  }
  progress.stop();
  receipts?.close();

  summary.push(`sent ${accepted + refused.length} rows in ${calls} calls: ${accepted} accepted, ${refused.length} refused`);
  if (resent)
    summary.push(
      `duplicates: the ${resent} rows re-sent after the interruption were answered by their idempotency keys where already stored`,
    );
  summary.push(`${state.accepted} of ${valid} valid rows accepted in all`);
  if (options.receipts) summary.push(`receipts: ${options.receipts}`);
  if (refused.length === 0) clearState(options.state);
  io.stdout.write(`${summary.join("\n")}\n`);
  return invalid.length > 0 || refused.length > 0 ? 1 : 0;
}

async function* checkedRows(options: ImportOptions, dialect: Dialect, mapping: Mapping): AsyncGenerator<CheckedRow> {
  for await (const row of readRows(options.file, options.format, dialect)) yield checkRow(row, mapping, options.kind, options.file);
}

/** The columns a mapping must cover: the CSV header, or every key that any JSON Lines object has. */
async function columnsOf(options: ImportOptions, dialect: Dialect): Promise<string[]> {
  const columns = new Set<string>();
  for await (const row of readRows(options.file, options.format, dialect)) {
    for (const key of Object.keys(row.values)) columns.add(key);
    if (options.format === "csv") break;
  }
  return [...columns];
}

/** What the run reads the file as, and which of it was found rather than given: `windows-1251, delimiter ";" (found)`. */
function describeDialect(options: ImportOptions, dialect: Dialect): string {
  const found = [options.encoding ? "" : "encoding", options.format === "csv" && !options.delimiter ? "delimiter" : ""].filter(Boolean);
  const delimiter = options.format === "csv" ? `, delimiter ${dialect.delimiter === "\t" ? "tab" : JSON.stringify(dialect.delimiter)}` : "";
  return `${dialect.encoding}${delimiter}${found.length > 0 ? ` (${found.join(" and ")} found in the file)` : ""}`;
}

/** The receipts file, cut to `keepBytes` (what the state vouches for) and appended to line by line. */
function openReceipts(path: string, keepBytes: number) {
  const fd = openSync(path, keepBytes > 0 && existsSync(path) ? "r+" : "w");
  ftruncateSync(fd, keepBytes);
  let bytes = keepBytes;
  return {
    write(line: object) {
      const text = Buffer.from(`${JSON.stringify(line)}\n`);
      writeSync(fd, text, 0, text.length, bytes);
      bytes += text.length;
    },
    bytes: () => bytes,
    close: () => closeSync(fd),
  };
}
