import { expect, it } from "vitest";
it("formats in Moscow", () => {
  const s = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Moscow", hour: "2-digit" }).format(new Date("2021-07-19T13:42:32Z"));
  expect(s).toBe("16");
});
