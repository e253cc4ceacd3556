import { describe, expect, it } from "vitest";
import { EMPTY_WINDOW, SendWindow, type WindowLimits } from "./send-window";

// Calltouch's 5 requests a second over a window of 1050 ms (a margin of 50 ms), a 10 s timeout with its margin.
const LIMITS: WindowLimits = { limit: 5, windowMs: 1050, inFlightMaxMs: 15_000, slowDownBaseMs: 1000, slowDownMaxMs: 8000 };

/** A window with a send started (and answered `latency` later, unless `null`) at each of `starts`. */
function windowWith(starts: number[], latency: number | null = 0): SendWindow {
  const window = new SendWindow(LIMITS, EMPTY_WINDOW);
  for (const start of starts) {
    const ticket = window.start(start);
    if (latency !== null) window.answered(ticket, start + latency);
  }
  return window;
}

describe("SendWindow", () => {
  it("lets five sends start at once, and holds the sixth until the first leaves the window, counted from its answer", () => {
    const window = windowWith([0, 100, 200, 300, 400], 80);

    expect(windowWith([0, 100, 200, 300]).delay(400)).toBe(0);
    expect(window.delay(480)).toBe(650); // the first answer came at 80: until 80 + 1050
    expect(window.delay(1130)).toBe(0);
  });

  it("keeps a send in flight in the window until its answer, however long it takes", () => {
    const window = windowWith([0, 100, 200, 300, 400], null);

    expect(window.open(5000)).toBe(false);
    window.answered(1, 5000);
    expect(window.delay(5000)).toBe(1050);
    expect(window.open(6049)).toBe(false);
    expect(window.open(6050)).toBe(true); // the answered one left; four are still in flight
    window.start(6050);
    expect(window.open(10_000)).toBe(false);
  });

  it("stops counting a send that never got an answer once its in-flight limit and a window have passed", () => {
    const window = windowWith([0, 0, 0, 0, 0], null);

    expect(window.delay(1000)).toBe(15_050);
    expect(window.open(16_050)).toBe(true);
  });

  it("does not reset the count when a new instance takes over the state of the last one", () => {
    const before = windowWith([0, 100, 200, 300, 400], 50);

    const restarted = new SendWindow(LIMITS, before.snapshot());

    expect(restarted.delay(450)).toBe(before.delay(450));
    expect(restarted.start(450)).toBe(6);
    expect(new SendWindow(LIMITS, EMPTY_WINDOW).delay(450)).toBe(0);
  });

  it("forgets a slot that was granted and never used", () => {
    const window = windowWith([0, 0, 0, 0], 10);
    const unused = window.start(20);

    expect(window.open(20)).toBe(false);
    window.release(unused);
    expect(window.open(20)).toBe(true);
  });

  it("names the moment the next slot opens once the answers that decide it are known", () => {
    const window = windowWith([0, 100, 200, 300, 400], 80);

    expect(window.opensAt(480)).toBe(1130); // the first answer came at 80: 80 + 1050
    expect(window.opensAt(1200)).toBe(1200); // open already: now
    // A slot named ahead counts from its moment on, as a send in flight: the next one is decided by the second answer.
    window.start(1130);
    expect(window.opensAt(480)).toBe(1230);
    expect(window.open(1129)).toBe(false);
  });

  it("names no moment while a send in flight decides it, and never one earlier than the rule allows", () => {
    const window = windowWith([0, 100, 200, 300, 400], null);

    expect(window.opensAt(500)).toBeUndefined();
    window.answered(3, 600);
    expect(window.opensAt(600)).toBe(1650); // any answered send decides: the others' answers can only come later
    window.answered(1, 700);
    expect(window.opensAt(700)).toBe(1650);
    expect(window.open(1649)).toBe(false);
    expect(window.open(1650)).toBe(true);
  });

  it("names the end of a slow-down's hold as the moment", () => {
    const window = windowWith([0]);

    window.slowDown(100, 1500);

    expect(window.opensAt(200)).toBe(1600);
  });

  it("holds every send for Retry-After when Calltouch asks to slow down", () => {
    const window = windowWith([0]);

    window.slowDown(100, 3000);

    expect(window.delay(100)).toBe(3000);
    expect(window.held(2100)).toBe(1000);
    expect(window.open(3100)).toBe(true);
  });

  it("doubles the hold of slow-downs in a row without Retry-After, up to its maximum, and starts afresh after a calm answer", () => {
    const window = new SendWindow(LIMITS, EMPTY_WINDOW);
    const holds = [0, 1, 2, 3, 4].map((n) => {
      const at = n * 100_000;
      window.slowDown(at, undefined);
      return window.held(at);
    });

    expect(holds).toEqual([1000, 2000, 4000, 8000, 8000]);
    window.calm();
    window.slowDown(1_000_000, undefined);
    expect(window.held(1_000_000)).toBe(1000);
  });

  it("never moves a hold forward", () => {
    const window = new SendWindow(LIMITS, EMPTY_WINDOW);
    window.slowDown(0, 5000);
    window.slowDown(1000, 1000);

    expect(window.held(1000)).toBe(4000);
  });
});
