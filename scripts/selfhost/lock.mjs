// One process per data directory. Two workerd processes on one directory would each run "the" Durable
// Object of a site, and each deliver its queue: the lock makes the second one refuse to start.
//
// The lock is flock(2) on `<data>/selfhost.lock`, taken by flock(1) on a descriptor this process opened and
// then hands to workerd. The kernel holds it while any process keeps that descriptor open, so it outlives
// this launcher if the launcher alone is killed (workerd still owns the directory) and is gone the moment
// workerd dies, however it dies: no stale lock to clean up after a crash.
import { spawnSync } from "node:child_process";
import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";

/** flock(1)'s exit code when the lock is taken (`--conflict-exit-code`). */
const TAKEN = 75;

/**
 * Who holds a data directory, as the lock file says.
 * @typedef {{ launcher: number; workerd?: number; listen: string; since: string }} Holder
 */

/**
 * Takes the data directory's lock, or throws an Error that names the process holding it.
 *
 * @example
 * const lock = lockDataDirectory("/var/lib/calltouch-gateway", { launcher: process.pid, listen, since });
 * spawn(workerd, args, { stdio: ["ignore", "inherit", "inherit", lock.fd] }); // workerd keeps it
 * lock.record({ ...holder, workerd: child.pid });
 *
 * @param {string} dataDir
 * @param {Holder} holder
 * @returns {{ fd: number; path: string; record(holder: Holder): void }}
 */
export function lockDataDirectory(dataDir, holder) {
  const path = join(dataDir, "selfhost.lock");
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
  const taken = spawnSync("flock", ["--nonblock", "--conflict-exit-code", String(TAKEN), "3"], {
    stdio: ["ignore", "ignore", "pipe", fd],
    encoding: "utf8",
  });
  if (taken.error || taken.status !== 0) {
    closeSync(fd);
    if (taken.status === TAKEN) throw new Error(`${dataDir} is in use by ${describe(readHolder(path))}: one process per data directory`);
    if (/** @type {NodeJS.ErrnoException | undefined} */ (taken.error)?.code === "ENOENT") {
      throw new Error("self-hosting needs flock(1), from util-linux (Linux): install it, e.g. `apt-get install util-linux`");
    }
    throw new Error(`could not lock ${path}: ${taken.error?.message ?? taken.stderr.trim()}`);
  }
  const record = (/** @type {Holder} */ current) => {
    const text = `${JSON.stringify(current)}\n`;
    ftruncateSync(fd, 0);
    writeSync(fd, text, 0);
  };
  record(holder);
  return { fd, path, record };
}

/** @param {string} path @returns {Holder | undefined} */
function readHolder(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * The holder in words. The file may still name the previous holder while a new one starts (it writes
 * its name just after it takes the lock), so a process that is gone is not named.
 *
 * @param {Holder | undefined} holder
 */
function describe(holder) {
  if (holder?.workerd && alive(holder.workerd)) {
    return `workerd pid ${holder.workerd} (started by pid ${holder.launcher}) serving ${holder.listen} since ${holder.since}`;
  }
  if (holder && !holder.workerd && alive(holder.launcher)) {
    return `scripts/selfhost.mjs pid ${holder.launcher}, still starting (for ${holder.listen}),`;
  }
  return "another process, still starting,";
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
}
