import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

/** What a run keeps between calls so that a rerun resumes after the last accepted call. */
export interface ImportState {
  version: 1;
  /** The file imported and the SHA-256 of its content: a state never applies to another file or an edited one. */
  file: string;
  sha256: string;
  kind: "create" | "update";
  /** The SHA-256 of the column → field table: the same rows under another mapping are other changes. */
  mapping: string;
  /** Every valid row before this line was accepted by the gateway. */
  nextLine: number;
  /** Rows accepted so far, by this run and the runs before it. */
  accepted: number;
  /** The receipts file's length after the last accepted call: a resumed run cuts it there and appends. */
  receiptsBytes: number;
  /** The lines of the call that was sent but not yet answered: a resumed run sends them again. */
  pending?: { fromLine: number; toLine: number; rows: number };
}

/**
 * The SHA-256 of a file, streamed.
 *
 * @example await fileDigest("deals.csv") // "9f86d08…"
 */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The state at `path`, if there is one: `"stale"` when it belongs to another file, content, kind or mapping.
 *
 * @example const state = loadState("deals.csv.import-state.json", { file: "deals.csv", sha256, kind: "create", mapping })
 */
export function loadState(path: string, of: Pick<ImportState, "file" | "sha256" | "kind" | "mapping">): ImportState | "stale" | undefined {
  if (!existsSync(path)) return undefined;
  let state: ImportState;
  try {
    state = JSON.parse(readFileSync(path, "utf8")) as ImportState;
  } catch {
    return "stale";
  }
  return state.version === 1 &&
    state.file === resolve(of.file) &&
    state.sha256 === of.sha256 &&
    state.kind === of.kind &&
    state.mapping === of.mapping
    ? state
    : "stale";
}

/**
 * Writes the state so that a kill at any moment leaves either the old or the new one: a temporary
 * file renamed over it.
 *
 * @example saveState("deals.csv.import-state.json", { ...state, nextLine: 1002, accepted: 1000 })
 */
export function saveState(path: string, state: ImportState): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, path);
}

/** Removes the state once every row was accepted: a later run of the same file starts afresh. */
export function clearState(path: string): void {
  rmSync(path, { force: true });
}
