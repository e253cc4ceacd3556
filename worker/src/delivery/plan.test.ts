import { describe, expect, it } from "vitest";
import { planBatches } from "./plan";

const creates = (count: number, prefix = "o") =>
  Array.from({ length: count }, (_, i) => ({ kind: "create" as const, orderNumber: `${prefix}${i}` }));

describe("planBatches", () => {
  it("chunks 250 distinct orders into 100, 100 and 50 in input order", () => {
    const batches = planBatches(creates(250), 100);
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual([...Array(250).keys()]);
  });

  it("never puts two changes of one order into one request, and keeps their order", () => {
    const batches = planBatches(
      [
        { kind: "create", orderNumber: "a" },
        { kind: "create", orderNumber: "b" },
        { kind: "update", orderNumber: "a" },
        { kind: "update", orderNumber: "a" },
      ],
      100,
    );
    expect(batches).toEqual([[0, 1], [2], [3]]);
  });

  it("keeps creates and updates in requests of their own", () => {
    const batches = planBatches(
      [
        { kind: "create", orderNumber: "a" },
        { kind: "update", orderNumber: "b" },
        { kind: "create", orderNumber: "c" },
      ],
      100,
    );
    expect(batches).toEqual([[0, 2], [1]]);
  });

  it("honours a smaller batch size", () => {
    expect(planBatches(creates(5), 2)).toEqual([[0, 1], [2, 3], [4]]);
  });
});
