// Backs up a self-hosted gateway's Durable Objects while it runs, with SQLite's online backup: each
// `<data>/durable-objects/<namespace>/*.sqlite` (one per object, a site's outbox, and `metadata.sqlite`,
// the namespace's alarms) is copied page by page under SQLite's own locks, so the copy is a consistent
// database even while workerd writes to it. A plain `cp` of a live database, or of its -wal and -shm files,
// is not.
//
//   scripts/run selfhost:backup --data /var/lib/calltouch-gateway/data --to /var/backups/calltouch-gateway/2026-11-29
//
// `--to` mirrors `durable-objects/`: to restore, stop the gateway, put the backup in place of
// `<data>/durable-objects` (without the old -wal and -shm files), and start it again.
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

// sqlite.backup() came with Node 22.16: say so rather than fail on a missing export.
const { backup, DatabaseSync } = await import("node:sqlite").catch(() => ({ backup: undefined, DatabaseSync: undefined }));
if (!backup || !DatabaseSync)
  fail(`SQLite's online backup needs Node 22.16 or later (this is ${process.version}); or use sqlite3's .backup`);

const { values: options } = parseArgs({ options: { data: { type: "string" }, to: { type: "string" } } });
if (!options.data || !options.to) {
  console.error("usage: scripts/run selfhost:backup --data <data directory> --to <new directory>");
  process.exit(2);
}
const storage = join(resolve(options.data), "durable-objects");
const target = resolve(options.to);
if (!existsSync(storage)) fail(`${storage} does not exist: is --data the directory given to scripts/run selfhost?`);
if (existsSync(target) && readdirSync(target).length > 0) fail(`${target} is not empty: back up into a new directory`);

const databases = readdirSync(storage, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".sqlite"));
if (databases.length === 0) fail(`${storage} holds no .sqlite file yet`);
for (const file of databases) {
  const destination = join(target, file);
  mkdirSync(dirname(destination), { recursive: true, mode: 0o700 });
  // Read-only: the backup never writes to the live database (workerd owns it).
  const source = new DatabaseSync(join(storage, file), { readOnly: true });
  try {
    await backup(source, destination);
  } finally {
    source.close();
  }
  console.log(`[backup] ${relative(target, destination)} (${(statSync(destination).size / 1024).toFixed(1)} KiB)`);
}
console.log(`[backup] ${databases.length} databases in ${target}`);

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`[backup] ${message}`);
  process.exit(1);
}
