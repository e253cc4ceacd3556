import { describe, expect, it } from "vitest";
import type { RetrySchedule } from "../settings";
import { retryDelay } from "./retry";

const schedule: RetrySchedule = { baseMs: 1000, maxMs: 60_000, maxAttempts: 400 };
/** A `random` that always answers `value`. */
const fixed = (value: number) => () => value;
/** The least and the most delay before attempt `attempts + 1`: both ends of the equal jitter. */
const bounds = (attempts: number, on = schedule) => [retryDelay(attempts, on, fixed(0)), retryDelay(attempts, on, fixed(1))];

describe("retryDelay", () => {
  it("waits between half the base and the base after the first attempt", () => {
    expect(bounds(1)).toEqual([500, 1000]);
  });

  it("doubles the ceiling with each attempt, half of it fixed and half random", () => {
    expect(bounds(2)).toEqual([1000, 2000]);
    expect(bounds(3)).toEqual([2000, 4000]);
    expect(bounds(4)).toEqual([4000, 8000]);
    expect(bounds(6)).toEqual([16_000, 32_000]);
  });

  it("places the random half linearly and rounds to whole milliseconds", () => {
    expect(retryDelay(3, schedule, fixed(0.5))).toBe(3000);
    expect(retryDelay(3, schedule, fixed(0.25))).toBe(2500);
    expect(retryDelay(1, { ...schedule, baseMs: 15 }, fixed(0.5))).toBe(11); // 7.5 + 3.75 = 11.25
  });

  it("never waits longer than maxMs, however many attempts failed", () => {
    expect(bounds(7)).toEqual([30_000, 60_000]); // 64 s capped at 60 s
    expect(bounds(20)).toEqual([30_000, 60_000]);
    // 2 ** 2000 is Infinity: the cap still holds.
    expect(bounds(2000)).toEqual([30_000, 60_000]);
    expect(bounds(3, { ...schedule, maxMs: 3000 })).toEqual([1500, 3000]);
  });

  it("treats attempt 0 like attempt 1", () => {
    expect(bounds(0)).toEqual([500, 1000]);
  });

  it("stays within the bounds with the default Math.random", () => {
    for (let attempts = 1; attempts <= 12; attempts += 1) {
      const [least, most] = bounds(attempts);
      const delay = retryDelay(attempts, schedule);
      expect(delay).toBeGreaterThanOrEqual(least!);
      expect(delay).toBeLessThanOrEqual(most!);
    }
  });
});
