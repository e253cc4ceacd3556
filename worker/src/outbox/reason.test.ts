import { describe, expect, it } from "vitest";
import { reasonOf } from "./reason";

describe("a dead letter's reason", () => {
  it.each([
    ['Order with orderNumber "crm-2" not found', 'Order with orderNumber "crm-7" not found'],
    ["orders[3].revenue: not a number: '1 000,00'", "orders[12].revenue: not a number: '7e3'"],
    ["Заказ «42» уже существует", "Заказ «A-17» уже существует"],
    ["gave up after 400 failed attempts: 502", "gave up after 17 failed attempts:  503"],
  ])("groups %j with %j", (one, other) => {
    expect(reasonOf(one)).toBe(reasonOf(other));
  });

  it("keeps different refusals apart", () => {
    expect(reasonOf('Order with orderNumber "1" not found')).not.toBe(reasonOf('Order with orderNumber "1" already exists'));
  });

  it("masks digits, so no phone or id is left in a group's name", () => {
    expect(reasonOf("phone +7 (915) 777-11-22 of deal 42 refused")).toBe("phone +# (#) #-#-# of deal # refused");
  });

  it("is at most 300 characters", () => {
    expect(reasonOf("x".repeat(1000))).toHaveLength(300);
  });
});
