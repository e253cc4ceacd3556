import { describe, expect, it } from "vitest";
import { webhookRequest } from "./alerts";

const bodyOf = (init: RequestInit) => JSON.parse(String(init.body));

describe("an alert's request", () => {
  it("is the alert as JSON, with the site and a line to read, for a plain webhook", () => {
    const init = webhookRequest("https://hooks.example/calltouch", "12345", { kind: "paused", reason: "HTTP 401" });
    expect(init).toMatchObject({ method: "POST", headers: { "content-type": "application/json" } });
    expect(bodyOf(init)).toEqual({
      site: "12345",
      kind: "paused",
      reason: "HTTP 401",
      text: "calltouch-gateway, сайт 12345: доставка приостановлена (Calltouch отклонил доступ): HTTP 401",
    });
  });

  it("is Telegram's sendMessage for a bot's URL, to the URL's chat", () => {
    const url = "https://api.telegram.org/bot123:secret-token/sendMessage?chat_id=-100777";
    const body = bodyOf(webhookRequest(url, "12345", { kind: "queue_age", oldestQueuedAgeMs: 5_400_000, queued: 40 }));
    expect(body).toEqual({
      chat_id: "-100777",
      text: "calltouch-gateway, сайт 12345: в очереди 40, самое старое ждёт 90 мин",
      disable_web_page_preview: true,
    });
    // The bot's token is in the URL only, never in what is sent or said.
    expect(JSON.stringify(body)).not.toContain("secret-token");
  });
});
