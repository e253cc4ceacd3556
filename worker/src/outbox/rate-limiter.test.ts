import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter";

// Calltouch's 5 requests a second, counted over 1000 ms plus a margin of 50 ms (CALLTOUCH_RATE_MARGIN_MS).
const LIMIT = 5;
const WINDOW_MS = 1050;

/** A limiter that started a send at each of `starts`, none answered yet. */
function limiterWith(starts: number[], earlier: number[] = []): RateLimiter {
  const limiter = new RateLimiter(LIMIT, WINDOW_MS, earlier);
  for (const start of starts) limiter.record(start);
  return limiter;
}

describe("RateLimiter", () => {
  it("lets the first five sends of a window start at once", () => {
    const limiter = new RateLimiter(LIMIT, WINDOW_MS);
    for (const start of [0, 100, 200, 300]) {
      expect(limiter.delay(start)).toBe(0);
      limiter.record(start);
    }
    expect(limiter.delay(400)).toBe(0);
  });

  it("holds the sixth start until the first one leaves the window", () => {
    const limiter = limiterWith([0, 100, 200, 300, 400]);

    expect(limiter.delay(400)).toBe(650);
    expect(limiter.delay(1049)).toBe(1);
    expect(limiter.delay(1050)).toBe(0);
  });

  it("then holds each further start until the next oldest leaves", () => {
    const limiter = limiterWith([0, 100, 200, 300, 400, 1050]);

    expect(limiter.delay(1050)).toBe(100); // the start at 100 leaves at 1150
    limiter.record(1150);
    expect(limiter.delay(1150)).toBe(100); // the start at 200 leaves at 1250
  });

  it("counts five starts at the same moment as a full window", () => {
    const limiter = limiterWith([500, 500, 500, 500, 500]);

    expect(limiter.delay(500)).toBe(WINDOW_MS);
    expect(limiter.delay(1550)).toBe(0);
  });

  it("forgets starts once they are out of the window", () => {
    const limiter = limiterWith([0, 100, 200, 300, 400]);

    expect(limiter.delay(10_000)).toBe(0);
    expect(limiter.recent(10_000)).toEqual([]);
  });

  describe("answered", () => {
    it("counts an answered send from its answer: the sixth waits a window after the first answer, not the first start", () => {
      const limiter = new RateLimiter(LIMIT, WINDOW_MS);
      for (const start of [0, 100, 200, 300, 400]) {
        limiter.record(start);
        limiter.answered(start, start + 80); // Calltouch may have counted it as late as this
      }

      expect(limiter.delay(480)).toBe(650); // until 80 + 1050
      expect(limiter.delay(1130)).toBe(0);
      expect(limiter.recent(1130)).toEqual([180, 280, 380, 480]);
    });

    it("keeps a send answered after the window passed its start", () => {
      const limiter = limiterWith([0, 100, 200, 300, 400]);
      expect(limiter.delay(1060)).toBe(0); // forgets the start at 0
      limiter.answered(0, 1060);

      expect(limiter.recent(1060)).toEqual([100, 200, 300, 400, 1060]);
      expect(limiter.delay(1060)).toBe(90);
    });
  });

  describe("holdUntil", () => {
    it("holds every start until then, with no send in the window", () => {
      const limiter = new RateLimiter(LIMIT, WINDOW_MS);
      limiter.holdUntil(2000);

      expect(limiter.delay(1500)).toBe(500);
      expect(limiter.delay(2000)).toBe(0);
    });

    it("never moves an earlier hold forward", () => {
      const limiter = new RateLimiter(LIMIT, WINDOW_MS);
      limiter.holdUntil(2000);
      limiter.holdUntil(1800);

      expect(limiter.delay(1500)).toBe(500);
      limiter.holdUntil(2500);
      expect(limiter.delay(1500)).toBe(1000);
    });

    it("waits for whichever ends later, the hold or the window", () => {
      const limiter = limiterWith([0, 100, 200, 300, 400]);

      limiter.holdUntil(700);
      expect(limiter.delay(400)).toBe(650); // the window: until 1050
      limiter.holdUntil(1500);
      expect(limiter.delay(400)).toBe(1100); // the hold
    });
  });

  describe("recent and earlier starts", () => {
    it("answers the starts still inside the window at `now`", () => {
      const limiter = limiterWith([0, 500, 1000]);

      expect(limiter.recent(1000)).toEqual([0, 500, 1000]);
      expect(limiter.recent(1049)).toEqual([0, 500, 1000]);
      expect(limiter.recent(1050)).toEqual([500, 1000]);
      expect(limiter.recent(1600)).toEqual([1000]);
    });

    it("does not reset the count when a new instance takes over the starts of the last one", () => {
      const before = limiterWith([0, 100, 200, 300, 400]);
      const persisted = before.recent(450);

      const restarted = new RateLimiter(LIMIT, WINDOW_MS, persisted);
      expect(restarted.delay(450)).toBe(600);
      expect(restarted.delay(450)).toBe(before.delay(450));
      // Without them, a restart could send five more at once.
      expect(new RateLimiter(LIMIT, WINDOW_MS).delay(450)).toBe(0);
    });

    it("counts earlier starts together with its own", () => {
      const limiter = limiterWith([300, 400], [0, 100, 200]);

      expect(limiter.delay(400)).toBe(650);
      expect(limiter.recent(1100)).toEqual([100, 200, 300, 400]);
    });

    it("keeps its own copy of the earlier starts", () => {
      const earlier = [0, 100, 200, 300];
      const limiter = new RateLimiter(LIMIT, WINDOW_MS, earlier);
      earlier.push(400);

      expect(limiter.delay(400)).toBe(0);
    });
  });
});
