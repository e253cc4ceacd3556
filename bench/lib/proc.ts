// Reading processes from Linux's /proc: which processes descend from which, what they run, and the CPU time
// they used. For benchmarks that measure a Worker's runtime (workerd) from the outside.
import { readdirSync, readFileSync } from "node:fs";

/** A process as /proc shows it. */
export interface Proc {
  pid: number;
  ppid: number;
  /** Its command line, arguments joined with spaces. */
  args: string;
}

/** Every process readable now. */
export function processes(): Proc[] {
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name is in parentheses and may hold spaces: the fields after it are counted from its end.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      return [{ pid: Number(entry), ppid, args }];
    } catch {
      return []; // gone meanwhile
    }
  });
}

/**
 * The processes below `pid` (children, their children, …).
 *
 * @example descendants(processes(), wrangler.pid).filter((proc) => proc.args.includes("workerd"))
 */
export function descendants(all: readonly Proc[], pid: number): Proc[] {
  const children = all.filter((proc) => proc.ppid === pid);
  return children.flatMap((child) => [child, ...descendants(all, child.pid)]);
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux for every architecture in use). */
export const TICKS_PER_SECOND = 100;

/**
 * The CPU time `pid` has used so far, user and system, in milliseconds (10 ms steps).
 *
 * @example const before = cpuMs(pid); await sleep(60_000); console.log(cpuMs(pid) - before);
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, the 12th and 13th after the name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/**
 * The workerd processes of the `wrangler dev` that serves `port`: the Worker's runtime and wrangler's proxy in
 * front of it.
 *
 * @example const pids = workerdOf(Number(new URL(gatewayUrl).port)); const used = pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
 */
export function workerdOf(port: number): number[] {
  const all = processes();
  const wrangler = all.find(
    (proc) => proc.args.includes("wrangler") && proc.args.includes(" dev ") && proc.args.includes(`--port ${port}`),
  );
  if (!wrangler) throw new Error(`no wrangler dev process serves port ${port}`);
  const workerd = descendants(all, wrangler.pid).filter((proc) => /\bworkerd serve\b/.test(proc.args));
  if (workerd.length === 0) throw new Error(`no workerd below wrangler ${wrangler.pid}`);
  return workerd.map((proc) => proc.pid);
}
