/**
 * Sends a website's own contact form to calltouch-gateway's `POST /forms/{publicKey}` and shows the answer
 * on the page, with the visitor's Calltouch session attached. No dependencies; the form keeps working
 * without JavaScript (a plain POST that the gateway answers with a redirect to the thank-you page).
 *
 * ```html
 * <form data-calltouch-gateway method="post" action="https://gateway.example/forms/pk_...">
 *   <input name="name"> <input name="phone" required> <span data-ct-error-for="phone"></span>
 *   <p data-ct-success hidden>Спасибо!</p> <p data-ct-error hidden></p>
 *   <button>Отправить</button>
 * </form>
 * <script src="calltouch-form.js" defer></script>
 * ```
 *
 * Markup it reads (all optional):
 * - `data-calltouch-gateway` on a form: enhance it on DOMContentLoaded;
 * - `data-ct-mod-id` on the form: the Calltouch counter's mod id, for `ct('calltracking_params', modId)`;
 * - `data-redirect` on the form: where to go after success, instead of showing `[data-ct-success]`;
 * - `[data-ct-success]` inside the form: un-hidden after success;
 * - `[data-ct-error-for="phone"]` inside the form: where the error of field `phone` is written (else a
 *   `<span class="ct-field-error">` is inserted after the input);
 * - `[data-ct-error]` inside the form: the message of any other failure. When it has text of its own, that
 *   text is shown as written (say, in the site's language); when empty, the gateway's message is.
 *
 * The form gets `data-ct-state` = `sending` | `success` | `error` and `aria-busy` while sending, for CSS.
 * Events, bubbling from the form: `calltouch:success` (detail `{receipt}`) and `calltouch:error` (detail
 * `{status, message, fieldErrors}`; `status` 0 for a network failure). Both are cancelable: a listener
 * that calls `preventDefault()` takes over the page's reaction (no success block, redirect or messages).
 */

/** One problem of one field, as the gateway answers it (400). */
export interface FormFieldError {
  path?: (string | number)[];
  /** The form field's name, e.g. `phone`. */
  field?: string;
  message: string;
}

/** The gateway's receipt of an accepted form. */
export interface FormReceipt {
  orderNumber: string;
  changeId: number;
  state: string;
  [key: string]: unknown;
}

export interface CalltouchSuccessDetail {
  receipt: FormReceipt;
}

export interface CalltouchErrorDetail {
  /** The HTTP status; 0 when the request did not get an answer. */
  status: number;
  message: string;
  fieldErrors: FormFieldError[];
}

export interface EnhanceOptions {
  /** Where to send the form; default the form's `action`. */
  endpoint?: string;
  /** The Calltouch counter's mod id; default the form's `data-ct-mod-id`. */
  modId?: string;
  /** Where to go after success; default the form's `data-redirect`. */
  redirect?: string;
}

declare global {
  interface Window {
    /** The Calltouch script's command function. */
    ct?: (command: string, ...args: unknown[]) => unknown;
    /** Cloudflare Turnstile, when the page has its widget: a token is good for one submission only. */
    turnstile?: { reset(widget?: string | HTMLElement): void };
  }
  interface HTMLElementEventMap {
    "calltouch:success": CustomEvent<CalltouchSuccessDetail>;
    "calltouch:error": CustomEvent<CalltouchErrorDetail>;
  }
}

// The visitor's words, in Russian like the gateway's answers to visitors; a page that wants its own
// puts them into [data-ct-error].
const NETWORK_ERROR = "Заявку не удалось отправить: проверьте подключение к интернету и попробуйте ещё раз.";
const FAILED = (status: number) => `Заявку не удалось отправить (ответ ${status}). Попробуйте ещё раз или позвоните нам.`;
const GENERATED = "data-ct-generated";
let ids = 0;

/**
 * Makes `form` send itself with `fetch` and show the gateway's answer in place. Returns a function that
 * undoes it. A form already enhanced (by this or another copy of the script) is left as it is.
 *
 * @example enhanceForm(document.querySelector("form#contact")!, { redirect: "/thanks" })
 */
export function enhanceForm(form: HTMLFormElement, options: EnhanceOptions = {}): () => void {
  if (form.hasAttribute("data-ct-enhanced")) return () => {};
  form.setAttribute("data-ct-enhanced", "");
  let sending = false;

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    if (!sending) {
      sending = true;
      void send(form, options, event.submitter).finally(() => (sending = false));
    }
  };
  // A field's error goes away as soon as the visitor changes that field.
  const onInput = (event: Event) => {
    const target = event.target as Element | null;
    const name = target?.getAttribute("name");
    if (name && target?.getAttribute("aria-invalid") === "true") clearFieldError(form, name);
  };
  form.addEventListener("submit", onSubmit);
  form.addEventListener("input", onInput);
  return () => {
    form.removeEventListener("submit", onSubmit);
    form.removeEventListener("input", onInput);
    form.removeAttribute("data-ct-enhanced");
  };
}

/** Enhances every `form[data-calltouch-gateway]` of the document (what the script does on its own). */
export function enhanceAll(root: ParentNode = document): void {
  for (const form of root.querySelectorAll<HTMLFormElement>("form[data-calltouch-gateway]")) enhanceForm(form);
}

/**
 * The visitor's Calltouch session id: the `_ct_session_id` cookie, else the Calltouch script's
 * `ct('calltracking_params', modId).sessionId`, else the `_ct_ids` cookie (`modId:siteId:sessionId`).
 */
export function calltouchSessionId(modId?: string): string | undefined {
  const cookie = readCookie("_ct_session_id");
  if (cookie) return cookie;
  const ct = typeof window.ct === "function" ? window.ct : undefined;
  if (ct) {
    try {
      const params = modId ? ct("calltracking_params", modId) : ct("calltracking_params");
      for (const item of Array.isArray(params) ? params : [params]) {
        const id = (item as { sessionId?: unknown } | null | undefined)?.sessionId;
        if (id != null && String(id) !== "") return String(id);
      }
    } catch {
      // The script is still loading or has another version: the cookies below may still know.
    }
  }
  for (const entry of (readCookie("_ct_ids") ?? "").split(/[|,]/)) {
    const [mod, , session] = entry.split(":");
    if (session && (!modId || mod === modId)) return session;
  }
  return undefined;
}

async function send(form: HTMLFormElement, options: EnhanceOptions, submitter: HTMLElement | null): Promise<void> {
  clearErrors(form);
  const body = new FormData(form);
  if (submitter?.getAttribute("name")) body.append(submitter.getAttribute("name")!, (submitter as HTMLButtonElement).value);
  if (!body.get("sessionId")) {
    const sessionId = calltouchSessionId(options.modId ?? form.dataset.ctModId);
    if (sessionId) body.set("sessionId", sessionId);
  }
  const buttons = Array.from(form.querySelectorAll<HTMLButtonElement | HTMLInputElement>("button, input[type=submit], input[type=image]"))
    .filter((button) => button.type === "submit" || button.type === "image")
    .filter((button) => !button.disabled);
  for (const button of buttons) button.disabled = true;
  setState(form, "sending");
  try {
    let response: Response;
    try {
      response = await fetch(options.endpoint ?? endpointOf(form), { method: "POST", body, headers: { Accept: "application/json" } });
    } catch {
      return fail(form, { status: 0, message: NETWORK_ERROR, fieldErrors: [] });
    }
    const answer = (await response.json().catch(() => undefined)) as
      | { receipt?: FormReceipt; error?: { message?: string; fieldErrors?: FormFieldError[] } }
      | undefined;
    if (response.ok && answer?.receipt) return succeed(form, options, answer.receipt);
    // The gateway's message says what to do (and, past the limit, when to try again); without one, ours.
    const message = answer?.error?.message || FAILED(response.status);
    const fieldErrors = answer?.error?.fieldErrors ?? [];
    fail(form, { status: response.status, message, fieldErrors: response.status === 400 || response.status === 403 ? fieldErrors : [] });
  } finally {
    for (const button of buttons) button.disabled = false;
    form.removeAttribute("aria-busy");
  }
}

function succeed(form: HTMLFormElement, options: EnhanceOptions, receipt: FormReceipt): void {
  setState(form, "success");
  if (!emit(form, "calltouch:success", { receipt })) return;
  const redirect = options.redirect ?? form.dataset.redirect;
  if (redirect) {
    window.location.assign(redirect);
    return;
  }
  HTMLFormElement.prototype.reset.call(form);
  const success = form.querySelector<HTMLElement>("[data-ct-success]");
  if (success) {
    success.hidden = false;
    success.setAttribute("role", "status");
    success.scrollIntoView?.({ block: "nearest" });
  }
}

function fail(form: HTMLFormElement, detail: CalltouchErrorDetail): void {
  setState(form, "error");
  // A Turnstile token is spent by the attempt, whatever its outcome: get a new one for the next.
  for (const widget of form.querySelectorAll<HTMLElement>(".cf-turnstile")) window.turnstile?.reset(widget);
  if (!emit(form, "calltouch:error", detail)) return;
  const unplaced: string[] = [];
  let first: HTMLElement | undefined;
  for (const error of detail.fieldErrors) {
    const name = error.field || (typeof error.path?.[0] === "string" ? error.path[0] : "");
    const input = name ? showFieldError(form, name, error.message) : undefined;
    if (input === undefined) unplaced.push(name ? `${name}: ${error.message}` : error.message);
    first ??= input ?? undefined;
  }
  if (detail.fieldErrors.length === 0 || unplaced.length > 0) {
    showGeneralError(form, detail.fieldErrors.length === 0 ? detail.message : unplaced.join("\n"));
  }
  first?.focus();
}

/** Writes the error next to field `name`; answers its input, or `undefined` when the form has no such field. */
function showFieldError(form: HTMLFormElement, name: string, message: string): HTMLElement | null | undefined {
  const found = form.elements.namedItem(name);
  const input = (found instanceof RadioNodeList ? found[0] : found) as HTMLElement | null;
  let target = form.querySelector<HTMLElement>(`[data-ct-error-for="${CSS.escape(name)}"]`);
  if (!target && (!input || input.getAttribute("type") === "hidden")) return undefined;
  if (!target) {
    target = document.createElement("span");
    target.className = "ct-field-error";
    target.setAttribute(GENERATED, "");
    target.setAttribute("data-ct-error-for", name);
    // After the input, or after its label when the input sits inside one.
    const anchor = input!.closest("label") ?? input!;
    anchor.after(target);
  }
  target.textContent = target.textContent && target.hasAttribute("data-ct-filled") ? `${target.textContent}; ${message}` : message;
  target.setAttribute("data-ct-filled", "");
  target.hidden = false;
  target.id ||= `ct-error-${++ids}`;
  const controls = found instanceof RadioNodeList ? Array.from(found) : input ? [input] : [];
  for (const control of controls as HTMLElement[]) {
    control.setAttribute("aria-invalid", "true");
    const described = (control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
    if (!described.includes(target.id)) control.setAttribute("aria-describedby", [...described, target.id].join(" "));
  }
  return input;
}

function showGeneralError(form: HTMLFormElement, message: string): void {
  let target = form.querySelector<HTMLElement>("[data-ct-error]");
  if (!target) {
    target = document.createElement("p");
    target.className = "ct-error";
    target.setAttribute("data-ct-error", "");
    target.setAttribute(GENERATED, "");
    form.append(target);
  }
  // Text the site wrote into the element is its own message for every failure; otherwise the gateway's.
  if (!target.hasAttribute("data-ct-own-text")) target.setAttribute("data-ct-own-text", target.textContent?.trim() ? "1" : "");
  if (!target.getAttribute("data-ct-own-text")) target.textContent = message;
  target.setAttribute("role", "alert");
  target.hidden = false;
}

function clearFieldError(form: HTMLFormElement, name: string): void {
  form.querySelectorAll<HTMLElement>(`[data-ct-error-for="${CSS.escape(name)}"]`).forEach(clearErrorElement);
  const found = form.elements.namedItem(name);
  const controls = found instanceof RadioNodeList ? Array.from(found) : found ? [found] : [];
  for (const control of controls as HTMLElement[]) control.removeAttribute("aria-invalid");
}

function clearErrors(form: HTMLFormElement): void {
  form.querySelectorAll<HTMLElement>("[data-ct-error-for]").forEach(clearErrorElement);
  for (const control of form.querySelectorAll<HTMLElement>("[aria-invalid]")) control.removeAttribute("aria-invalid");
  form.querySelectorAll<HTMLElement>("[data-ct-error], [data-ct-success]").forEach((element) => {
    if (element.hasAttribute(GENERATED)) element.remove();
    else element.hidden = true;
  });
}

function clearErrorElement(element: HTMLElement): void {
  if (element.hasAttribute(GENERATED)) {
    element.remove();
    return;
  }
  if (element.hasAttribute("data-ct-filled")) element.textContent = "";
  element.removeAttribute("data-ct-filled");
  element.hidden = true;
}

function setState(form: HTMLFormElement, state: "sending" | "success" | "error"): void {
  form.setAttribute("data-ct-state", state);
  if (state === "sending") form.setAttribute("aria-busy", "true");
}

/** Dispatches a cancelable event on the form; answers whether the page should still react by itself. */
function emit<T>(form: HTMLFormElement, type: string, detail: T): boolean {
  return form.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, cancelable: true }));
}

/** The form's `action`, read as an attribute: a field named `action` hides the property of the same name. */
function endpointOf(form: HTMLFormElement): string {
  return new URL(form.getAttribute("action") ?? "", document.baseURI).href;
}

function readCookie(name: string): string | undefined {
  for (const pair of document.cookie.split(";")) {
    const index = pair.indexOf("=");
    if (index > 0 && pair.slice(0, index).trim() === name) {
      const value = pair.slice(index + 1).trim();
      try {
        return decodeURIComponent(value) || undefined;
      } catch {
        return value || undefined;
      }
    }
  }
  return undefined;
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => enhanceAll());
  else enhanceAll();
}
