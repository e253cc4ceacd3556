import { describe, expect, it } from "vitest";
import { maskPersonalData } from "./mask";

describe("maskPersonalData", () => {
  it("keeps the last two digits of each phone, whatever its mask", () => {
    expect(maskPersonalData("Invalid phone +7 (915) 777-11-22 and 79009991122")).toBe("Invalid phone +• (•••) •••-••-22 and •••••••••22");
  });

  it("keeps the first character and the top-level domain of each e-mail", () => {
    expect(maskPersonalData('bad email "name.surname@server.com", also 234234@test.com, почта@пример.рф')).toBe(
      'bad email "n•••@•••.com", also 2•••@•••.com, п•••@•••.рф',
    );
  });

  it("leaves ids, dates, short numbers and package versions alone", () => {
    const text =
      "orders[3].orderDate: expected dd-MM-yyyy HH:mm:ss, got 2021-07-19 16:42 or 19-07-2021 16:42:32; order 1234567 of 12 items; at @trpc+server@11.25.2/src";
    expect(maskPersonalData(text)).toBe(text);
  });
});
