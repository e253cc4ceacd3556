// A browser app that sends leads with the typed client's public mode. The gateway's address and the
// public key come from the page's query string (`?gateway=…&key=…`), as an app's build would bake them in.
import { createGatewayClient, fieldErrorsOf, httpStatusOf } from "@calltouch-gateway/client";

const params = new URLSearchParams(location.search);
const gateway = createGatewayClient({ url: params.get("gateway") ?? "", publicKey: params.get("key") ?? "" });
const form = document.querySelector<HTMLFormElement>("#lead")!;
const status = document.querySelector<HTMLElement>("#status")!;

function show(kind: "success" | "error", text: string): void {
  status.dataset.kind = kind;
  status.textContent = text;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  for (const spot of form.querySelectorAll<HTMLElement>("[data-error-for]")) spot.textContent = "";
  for (const input of form.querySelectorAll("input")) input.removeAttribute("aria-invalid");
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? "");
  try {
    const { receipt } = await gateway.leads.submit.mutate({ name: text("name"), phone: text("phone"), email: text("email") });
    show("success", `Спасибо! Номер заявки: ${receipt.orderNumber}`);
  } catch (error) {
    const fieldErrors = fieldErrorsOf(error) ?? [];
    for (const { field, message } of fieldErrors) {
      const spot = form.querySelector(`[data-error-for="${field}"]`);
      if (spot) spot.textContent = message;
      (form.elements.namedItem(field) as HTMLInputElement | null)?.setAttribute("aria-invalid", "true");
    }
    const code = httpStatusOf(error);
    show(
      "error",
      code === undefined ? "Нет ответа от сервера заявок" : fieldErrors.length > 0 ? "Проверьте форму" : (error as Error).message,
    );
  }
});
document.body.dataset.ready = "true";
