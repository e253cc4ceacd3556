import { Presets, SingleBar } from "cli-progress";

/** Shows how far the sending is: a bar with rate and ETA on a terminal, one line per call otherwise. */
export interface Progress {
  /** After each accepted call: how many rows it carried and the lines it covered. */
  advance(rows: number, note: string): void;
  /** A message that must not be drawn over (a retry, a refusal). */
  log(message: string): void;
  stop(): void;
}

/**
 * A progress display on `stream` for `total` rows, `done` of them already sent (a resumed run).
 * The bar is drawn only on a terminal; logs and CI get a plain line per call with the same numbers.
 *
 * @example const progress = createProgress(process.stderr, 9975, 0, true); progress.advance(1000, "lines 2–1001")
 */
export function createProgress(stream: NodeJS.WriteStream, total: number, done: number, bar: boolean): Progress {
  const started = Date.now();
  let sent = 0;
  const rate = () => sent / Math.max(0.001, (Date.now() - started) / 1000);
  const eta = () => {
    const left = total - done - sent;
    return left <= 0 ? "0s" : `${Math.ceil(left / Math.max(rate(), 0.001))}s`;
  };
  if (bar && stream.isTTY) {
    const display = new SingleBar(
      {
        stream,
        format: "sending {bar} {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}",
        etaBuffer: 5,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    display.start(total, done, { speed: "0" });
    return {
      advance(rows) {
        sent += rows;
        display.increment(rows, { speed: rate().toFixed(0) });
      },
      log(message) {
        // cli-progress redraws over the last line: clear it, write the message, and let the bar redraw.
        stream.write(`\r\x1b[K${message}\n`);
        display.render?.();
      },
      stop: () => display.stop(),
    };
  }
  return {
    advance(rows, note) {
      sent += rows;
      stream.write(`${note}: ${done + sent}/${total} rows, ${rate().toFixed(0)} rows/s, ETA ${eta()}\n`);
    },
    log: (message) => stream.write(`${message}\n`),
    stop() {},
  };
}
