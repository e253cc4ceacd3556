import { describe, expect, it } from "vitest";
import { foreignFieldMessage, formFieldErrors, leadFromForm, leadInput } from "./lead";
import { orderCreateInput } from "./order";
import { fieldErrorsOf } from "./test-support";

describe("a lead", () => {
  it("takes contacts, a comment, the session, UTM tags and custom fields, normalized; blanks are not set", () => {
    const lead = leadInput.parse({
      name: " Анна ",
      phone: "8 (915) 777-11-22",
      email: " Anna@Example.com ",
      comment: "",
      sessionId: " 123456 ",
      utm: { source: "yandex", medium: "cpc", campaign: null },
      customFields: { Город: "Москва" },
    });
    expect(lead).toEqual({
      name: "Анна",
      phone: "79157771122",
      email: "anna@example.com",
      sessionId: "123456",
      utm: { source: "yandex", medium: "cpc" },
      customFields: { Город: "Москва" },
    });
  });

  it("needs a phone or an e-mail, and says so in Russian", () => {
    expect(fieldErrorsOf(leadInput, { name: "Анна" })).toEqual([
      { path: ["phone"], field: "phone", message: "укажите телефон или e-mail, чтобы с вами могли связаться" },
    ]);
    expect(fieldErrorsOf(leadInput, { phone: "12", email: "name@" }).map((error) => error.message)).toEqual([
      "проверьте номер телефона: например, +7 900 000-00-00",
      "проверьте адрес почты: например, name@example.ru",
    ]);
  });

  it("refuses a caller's orderNumber: the gateway numbers leads", () => {
    expect(fieldErrorsOf(leadInput, { phone: "89157771122", orderNumber: "CRM-1" })).toEqual([
      { path: ["orderNumber"], field: "orderNumber", message: "номер заявки назначает шлюз: его нельзя передать" },
    ]);
  });

  // Every field of a deal but the ones a lead has under its own name: each comes from the key's defaults only.
  const dealFields = Object.keys(orderCreateInput.shape).filter((field) => !["comment", "sessionId", "customFields"].includes(field));

  it.each(dealFields.filter((field) => field !== "orderNumber"))("refuses the deal's own field %s by name", (field) => {
    expect(fieldErrorsOf(leadInput, { phone: "89157771122", [field]: "x" })).toEqual([
      { path: [field], field, message: "это поле задаёт владелец сайта в настройках ключа, а не форма" },
    ]);
  });

  it("names at most five foreign fields in one message, and cuts long names", () => {
    const foreign = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`${"x".repeat(100)}${i}`, "1"]));
    const [error, ...rest] = fieldErrorsOf(leadInput, { phone: "89157771122", ...foreign });
    expect(rest).toEqual([]);
    expect(error!.message.length).toBeLessThan(600);
    expect(error!.message).toMatch(/и ещё 495$/);
  });

  it("answers a deeply nested or wrongly typed value with a field error, without walking into it", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(fieldErrorsOf(leadInput, { phone: deep, comment: { text: "hi" } }).map((error) => [error.field, error.message])).toEqual([
      ["phone", "ожидается текст"],
      ["comment", "ожидается текст"],
    ]);
    expect(fieldErrorsOf(leadInput, deep)[0]!.message).toBe("ожидается объект с полями заявки");
  });

  it("holds each field to its length, and custom fields to their count", () => {
    expect(fieldErrorsOf(leadInput, { phone: "89157771122", comment: "я".repeat(2001) })[0]!.message).toBe("не длиннее 2000 символов");
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, "v"]));
    expect(fieldErrorsOf(leadInput, { phone: "89157771122", customFields: many })[0]!.message).toBe("не больше 20 дополнительных полей");
  });
});

describe("a lead from a website form", () => {
  it("reads UTM tags, Turnstile's token and the key's custom fields from the form's own names", () => {
    const { lead, errors } = leadFromForm(
      { name: "Анна", phone: ["1", "8 915 777-11-22"], utm_source: "yandex", "cf-turnstile-response": "token", Город: "Москва" },
      ["Город"],
    );
    expect(errors).toEqual([]);
    expect(lead).toEqual({
      name: "Анна",
      phone: "8 915 777-11-22",
      utm: { source: "yandex" },
      turnstileToken: "token",
      customFields: { Город: "Москва" },
    });
  });

  it("refuses every other field by name, and names errors as the form's fields", () => {
    const { errors } = leadFromForm({ phone: "89157771122", orderNumber: "1", revenue: "100", colour: "red", Город: "Москва" }, []);
    expect(errors.map((error) => [error.field, error.message])).toEqual([
      ["orderNumber", foreignFieldMessage("orderNumber")],
      ["revenue", foreignFieldMessage("revenue")],
      ["colour", "такого поля в заявке нет"],
      ["Город", "такого поля в заявке нет"],
    ]);
    const invalid = fieldErrorsOf(leadInput, {
      email: "x",
      utm: { source: "я".repeat(300) },
      turnstileToken: 5,
      customFields: { Город: [] },
    });
    expect(formFieldErrors(invalid).map((error) => error.field)).toEqual(["email", "utm_source", "Город", "cf-turnstile-response"]);
  });

  it("refuses fields named like an object's own members by their names", () => {
    // As the form door reads fields: into an object without a prototype, where __proto__ is a key like any other.
    const fields = Object.assign(Object.create(null), { phone: "89157771122", constructor: "2", toString: "3" });
    Object.defineProperty(fields, "__proto__", { value: "1", enumerable: true });
    const { lead, errors } = leadFromForm(fields, []);
    expect(errors.map((error) => error.field).sort()).toEqual(["__proto__", "constructor", "toString"]);
    expect(lead).toEqual({ phone: "89157771122" });
  });
});
