// The data directory's lock (scripts/selfhost/lock.mjs): flock(2) locks conflict between two open files
// even in one process, so two locks taken here behave as two processes' would.
import { closeSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lockDataDirectory } from "../../../scripts/selfhost/lock.mjs";

const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "calltouch-gateway-lock-"));
  dirs.push(dir);
  return dir;
};
const holder = { launcher: process.pid, listen: "127.0.0.1:8790", since: "2026-11-29T10:00:00.000Z" };

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the data directory's lock", () => {
  it("refuses a second holder, naming the first, and is free once the first descriptor closes", () => {
    const dir = newDir();
    const first = lockDataDirectory(dir, holder);
    first.record({ ...holder, workerd: process.pid });

    expect(() => lockDataDirectory(dir, { ...holder, listen: "127.0.0.1:9999" })).toThrow(
      `${dir} is in use by workerd pid ${process.pid} (started by pid ${process.pid}) serving 127.0.0.1:8790 since 2026-11-29T10:00:00.000Z: one process per data directory`,
    );

    closeSync(first.fd);
    const second = lockDataDirectory(dir, { ...holder, listen: "127.0.0.1:9999" });
    closeSync(second.fd);
  });

  it("names no process that is gone: the file may still name the last holder while a new one starts", () => {
    const dir = newDir();
    const first = lockDataDirectory(dir, holder);
    // What a crashed holder left, read while the new one has not written its name yet.
    writeFileSync(first.path, JSON.stringify({ ...holder, launcher: 2 ** 22 + 1, workerd: 2 ** 22 + 2 }));

    expect(() => lockDataDirectory(dir, holder)).toThrow(`${dir} is in use by another process, still starting,`);
    closeSync(first.fd);
  });
});
