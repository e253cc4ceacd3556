// The Rate Limiting binding of self-hosting (scripts/selfhost/rate-limit.mjs): its `limit({ key })`
// as the Worker calls it, on a clock the test moves.
import { describe, expect, it } from "vitest";
import makeRateLimiter, { MAX_KEYS_PER_WINDOW } from "../../../scripts/selfhost/rate-limit.mjs";

describe("the self-hosted Rate Limiting binding", () => {
  it("lets `limit` requests per key through in each window of `period` seconds", async () => {
    let now = 60_000 * 1000;
    const limiter = makeRateLimiter({ limit: 3, period: 60 }, () => now);
    const results = async (key: string, count: number) => {
      const answers = [];
      for (let i = 0; i < count; i++) answers.push((await limiter.limit({ key })).success);
      return answers;
    };

    expect(await results("a", 5)).toEqual([true, true, true, false, false]);
    expect(await results("b", 1)).toEqual([true]);
    now += 59_999;
    expect(await results("a", 1)).toEqual([false]);
    now += 1;
    expect(await results("a", 4)).toEqual([true, true, true, false]);
  });

  it("refuses keys it has never seen once it counts MAX_KEYS_PER_WINDOW in a window, and counts those it has", async () => {
    let now = 0;
    const limiter = makeRateLimiter({ limit: 2, period: 10 }, () => now);
    for (let key = 0; key < MAX_KEYS_PER_WINDOW; key++) await limiter.limit({ key: `visitor-${key}` });

    expect(await limiter.limit({ key: "one-too-many" })).toEqual({ success: false });
    expect(await limiter.limit({ key: "visitor-0" })).toEqual({ success: true });
    now += 10_000;
    expect(await limiter.limit({ key: "one-too-many" })).toEqual({ success: true });
  });

  it("refuses a call without a string key, as Cloudflare's binding does", async () => {
    const limiter = makeRateLimiter({ limit: 1, period: 60 });
    await expect(limiter.limit({ key: 42 as unknown as string })).rejects.toThrow(TypeError);
  });
});
