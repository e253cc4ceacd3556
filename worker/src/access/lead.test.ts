import { leadInput } from "@calltouch-gateway/contract";
import { describe, expect, it } from "vitest";
import { keyFile, type PublicKey } from "../key-file";
import { leadNumber, orderOfLead } from "./lead";

const key = keyFile.parse({
  keys: [
    {
      id: "shop-form",
      type: "public",
      sha256: "0".repeat(64),
      site: "1",
      origins: ["https://shop.example"],
      defaults: {
        status: "Заявка с сайта",
        revenue: 0,
        tags: ["сайт"],
        source: { source: "сайт", medium: "форма" },
        customFields: [{ field: "Форма", value: "главная" }],
      },
      customFields: ["Город"],
    },
  ],
}).keys[0] as PublicKey;
const now = new Date("2026-11-28T12:00:00Z");

describe("the deal a lead becomes", () => {
  it("is a new deal numbered by the gateway, with the key's defaults and the lead's own fields", () => {
    const lead = leadInput.parse({
      name: "Анна",
      phone: "8 915 777-11-22",
      comment: "перезвоните",
      sessionId: "123",
      customFields: { Город: "Москва" },
    });
    const order = orderOfLead(key, lead, now);
    expect(order.ok).toBe(true);
    if (!order.ok) return;
    expect(order.value.orderNumber).toMatch(/^shop-form-[0-9a-z]{9}-[0-9a-v]{10}$/);
    expect(order.value).toMatchObject({
      status: "Заявка с сайта",
      revenue: "0.00",
      tags: ["сайт"],
      phones: ["79157771122"],
      sessionId: "123",
      comment: "перезвоните",
      source: { source: "сайт", medium: "форма" },
      orderContacts: { mainContacts: { fio: "Анна", phoneNumber: "79157771122" } },
      customFields: [
        { field: "Форма", value: "главная" },
        { field: "Город", value: "Москва" },
      ],
    });
  });

  it("takes the page's UTM tags as its source when they name one", () => {
    const withUtm = orderOfLead(key, leadInput.parse({ phone: "89157771122", utm: { source: "yandex", campaign: "осень" } }), now);
    expect(withUtm.ok && withUtm.value.source).toEqual({ source: "yandex", campaign: "осень" });
    const withoutSource = orderOfLead(key, leadInput.parse({ phone: "89157771122", utm: { medium: "cpc" } }), now);
    expect(withoutSource.ok && withoutSource.value.source).toEqual({ source: "сайт", medium: "форма" });
  });

  it("refuses a custom field the key does not allow, by name", () => {
    const order = orderOfLead(key, leadInput.parse({ phone: "89157771122", customFields: { Бюджет: "1000000" } }), now);
    expect(order).toEqual({
      ok: false,
      error: [{ path: ["customFields", "Бюджет"], field: 'customFields["Бюджет"]', message: "такого поля в заявке нет" }],
    });
  });
});

describe("leadNumber", () => {
  it("sorts by time and never repeats", () => {
    const numbers = Array.from({ length: 1000 }, (_, i) => leadNumber("k", new Date(now.getTime() + Math.floor(i / 10))));
    expect(new Set(numbers).size).toBe(1000);
    const times = numbers.map((number) => number.split("-")[1]);
    expect(times).toEqual([...times].sort());
  });
});
