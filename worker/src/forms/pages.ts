import type { FieldError } from "@calltouch-gateway/contract";
import { html } from "hono/html";

// Small, self-contained pages for forms posted without JavaScript: the visitor sees them only when a
// key has no thank-you URL, or when something in the form must be corrected.

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html>
<html lang="ru">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
      li { margin: 0.25rem 0; } code { background: #f3f3f3; padding: 0 0.25rem; }
    </style>
  </head>
  <body>
    ${body}
  </body>
</html>`;
}

// These pages are for visitors without JavaScript, so the way back is a plain link, or the browser's button.
function back(formPage: string | undefined, text: string) {
  return formPage ? html`<p><a href="${formPage}">${text}</a></p>` : html`<p>${text}: кнопка «Назад» в браузере.</p>`;
}

/** The confirmation of an accepted form. */
export function acceptedPage(orderNumber: string, formPage: string | undefined) {
  return page(
    "Заявка принята",
    html`<h1>Спасибо! Заявка принята</h1>
      <p>Номер заявки: <code>${orderNumber}</code>.</p>
      ${back(formPage, "Вернуться на сайт")}`,
  );
}

/** How a visitor knows the lead's fields; any other field is named as the form names it. */
const LABELS: Record<string, string> = {
  name: "Имя",
  phone: "Телефон",
  email: "E-mail",
  comment: "Комментарий",
  sessionId: "Сессия Calltouch",
  "cf-turnstile-response": "Проверка от ботов",
};

/** What must be corrected in a form, field by field. */
export function invalidPage(errors: readonly FieldError[], formPage: string | undefined) {
  return page(
    "Проверьте форму",
    html`<h1>Проверьте форму</h1>
      <ul>
        ${errors.map((error) => html`<li><strong>${LABELS[error.field] ?? (error.field || "Форма")}</strong>: ${error.message}</li>`)}
      </ul>
      ${back(formPage, "Вернуться к форме")}`,
  );
}

/** A refusal that is not about a field (unknown key, foreign page, too many submissions). */
export function refusedPage(message: string) {
  return page("Заявка не принята", html`<h1>Заявка не принята</h1><p>${message}</p>`);
}
