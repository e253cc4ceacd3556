// What every benchmark prints: a small aligned table, then its target and PASS or FAIL, and last its RESULT line.
// Importing it also starts the heartbeat of ./progress.ts (a line on stderr every 5 s).
import "./progress.ts";

/**
 * Prints `rows` as a table whose first row is the header: the first column aligned left, the others right
 * (they hold numbers), two spaces between columns.
 *
 * @example printTable([["size", "time"], ["1k", "0.4 s"], ["10k", "3.9 s"]]);
 */
export function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const line = (row: readonly string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  console.log(line(rows[0]!));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of rows.slice(1)) console.log(line(row));
}

/**
 * Prints the target and the verdict, with the reasons of a FAIL, and makes the process exit with 1 on FAIL.
 *
 * @example verdict("gateway ≥ 95 % of the ceiling", failures); // "target: gateway ≥ 95 % of the ceiling\nPASS"
 */
export function verdict(target: string, failures: readonly string[]): void {
  console.log(`target: ${target}`);
  if (failures.length === 0) {
    console.log("PASS");
    return;
  }
  console.log(`FAIL: ${failures.join("; ")}`);
  process.exitCode = 1;
}

/**
 * The run's headline figures as one line, the last the benchmark prints, for comparing runs by script:
 * `RESULT {"bench":"size","gzipKiB":98.4,"coldStartRatio":1.12}`. Figures are rounded to 3 decimals.
 *
 * @example printResult("cpu", { us100: 642 });
 */
export function printResult(bench: string, figures: Record<string, number>): void {
  const rounded = Object.fromEntries(Object.entries(figures).map(([name, value]) => [name, Math.round(value * 1000) / 1000]));
  console.log(`RESULT ${JSON.stringify({ bench, ...rounded })}`);
}

/**
 * A number with thousands separators and `digits` decimals.
 *
 * @example num(10000) // "10,000"; num(0.98765, 3) // "0.988"
 */
export function num(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Milliseconds as seconds with one decimal, or as milliseconds below a second.
 *
 * @example duration(20_400) // "20.4 s"; duration(350) // "350 ms"
 */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
