/**
 * Why the gateway turns a caller away before looking at what it sent, and what it says, in English for
 * API callers and in Russian for website visitors (and for API callers who ask with `Accept-Language: ru`).
 * Every door answers these same words, each in its own protocol's shape.
 */

/** The languages the gateway answers in. */
export const LANGUAGES = ["en", "ru"] as const;
/** @example const language: Language = "ru"; */
export type Language = (typeof LANGUAGES)[number];

/** What some refusals name: the scope a key lacks, the sites involved, a limit, what was sent and what to send. */
export interface RefusalParams {
  scope?: string;
  site?: string;
  asked?: string;
  max?: number;
  seconds?: number;
  /** A `Content-Type` as the caller sent it (cut short), or `undefined` when there was none. */
  type?: string;
  /** A charset as the caller declared it, or the one the body was read in. */
  charset?: string;
  /** What the door takes instead: media types, charsets. */
  accepted?: string;
  /** The JSON parser's own words about where the text stops being JSON. */
  detail?: string;
  /** A number as written in the body (cut short). */
  number?: string;
}

type Words = Record<Language, (params: RefusalParams) => string>;

const TEXTS = {
  unauthorized: {
    en: () => "A valid API key is required: send `Authorization: Bearer <key>` (the Calltouch drop-in also takes `Access-Token: <key>`)",
    ru: () =>
      "Нужен действующий ключ API: передайте заголовок `Authorization: Bearer <ключ>` (совместимый с Calltouch API принимает и `Access-Token: <ключ>`)",
  },
  unknown_form_key: {
    en: () => "Unknown form key",
    ru: () => "Неизвестный ключ формы",
  },
  secret_key_in_browser: {
    en: () =>
      "Secret keys belong on servers: this request came from a web page (it has an Origin header). Pages use a public key (pk_…); revoke this one if it was ever in a page",
    ru: () =>
      "Секретные ключи — только для серверов: запрос пришёл со страницы сайта (в нём есть заголовок Origin). На страницах используйте публичный ключ (pk_…), а этот отзовите, если он побывал на странице",
  },
  lacks_scope: {
    en: ({ scope }) => `This API key lacks the ${scope} scope`,
    ru: ({ scope }) => `У этого ключа API нет права ${scope}`,
  },
  leads_only: {
    en: () => "A public key may only submit leads: leads.submit or POST /forms/{key}",
    ru: () => "Публичный ключ может только отправлять заявки: leads.submit или POST /forms/{ключ}",
  },
  public_key_required: {
    en: () => "Leads are submitted with a public key (pk_…); servers send deals with orders.create",
    ru: () => "Заявки отправляются с публичным ключом (pk_…); серверы передают сделки через orders.create",
  },
  foreign_origin: {
    en: () => "This page may not send leads with this key",
    ru: () => "Эта страница не может отправлять заявки с этим ключом",
  },
  wrong_site: {
    en: ({ site, asked }) => `This key sends to site ${site}, not ${asked}`,
    ru: ({ site, asked }) => `Этот ключ передаёт сделки в сайт ${site}, а не ${asked}`,
  },
  rate_limited: {
    en: ({ seconds }) => `Too many requests for this API key; retry in ${seconds} s`,
    ru: ({ seconds }) => `Слишком много запросов с этим ключом API; повторите через ${seconds} с`,
  },
  visitor_rate_limited: {
    en: ({ seconds }) => `Too many submissions from this visitor; retry in ${seconds} s`,
    ru: ({ seconds }) => `Слишком много заявок подряд; попробуйте ещё раз через ${seconds} с`,
  },
  body_too_large: {
    en: ({ max }) => `The request body is larger than ${max} bytes`,
    ru: ({ max }) => `Запрос больше ${max} байт`,
  },
  too_many_fields: {
    en: ({ max }) => `A lead has at most ${max} fields`,
    ru: ({ max }) => `В заявке не больше ${max} полей`,
  },
  unreadable_body: {
    en: () => "Send the lead as form data or JSON",
    ru: () => "Отправьте заявку как данные формы или JSON",
  },
  // What a body must be before anything reads it (worker/src/access/body/): its media type, its charset,
  // text that is valid in that charset, and JSON that means one thing.
  unsupported_media_type: {
    en: ({ type, accepted }) =>
      type === undefined
        ? `The body has no Content-Type: send it as ${accepted}`
        : `Content-Type ${type} is not accepted here: send ${accepted}`,
    ru: ({ type, accepted }) =>
      type === undefined
        ? `У тела запроса нет Content-Type: отправьте его как ${accepted}`
        : `Content-Type ${type} здесь не принимается: отправьте ${accepted}`,
  },
  unsupported_charset: {
    en: ({ charset, accepted }) => `charset=${charset} is not supported: send UTF-8, or declare one of ${accepted}`,
    ru: ({ charset, accepted }) => `Кодировка charset=${charset} не поддерживается: отправьте UTF-8 или укажите одну из: ${accepted}`,
  },
  invalid_encoding: {
    en: ({ charset }) =>
      `The body is not valid ${charset} text: send UTF-8, or declare the charset it is written in (Content-Type: application/json; charset=windows-1251)`,
    ru: ({ charset }) =>
      `Тело запроса — не текст в кодировке ${charset}: отправьте UTF-8 или укажите кодировку (Content-Type: application/json; charset=windows-1251)`,
  },
  invalid_form_encoding: {
    en: ({ charset }) => `The form was not sent as ${charset} text: give the <form> accept-charset="UTF-8"`,
    ru: ({ charset }) => `Форма отправлена не в кодировке ${charset}: добавьте к <form> атрибут accept-charset="UTF-8"`,
  },
  mislabelled_charset: {
    en: ({ charset }) => `The body is declared ${charset} but is UTF-8: declare charset=utf-8, or no charset`,
    ru: ({ charset }) =>
      `Тело запроса объявлено в кодировке ${charset}, но написано в UTF-8: укажите charset=utf-8 или не указывайте кодировку`,
  },
  invalid_url: {
    en: () => "The URL is not valid: percent-encode its path and query as UTF-8 (%D0%97 for «З», %25 for «%»)",
    ru: () => "Адрес запроса некорректен: кодируйте путь и параметры в UTF-8 (%D0%97 для «З», %25 для «%»)",
  },
  // JSON that parses but would be read as something other than what was sent: said on the field it is about.
  invalid_json: {
    en: ({ detail }) => `send the body as JSON: ${detail}`,
    ru: ({ detail }) => `отправьте тело запроса в формате JSON: ${detail}`,
  },
  duplicate_key: {
    en: () => "given more than once: send each key once",
    ru: () => "указано больше одного раза: передайте каждое поле один раз",
  },
  inexact_number: {
    en: ({ number }) =>
      `${number} cannot be read exactly as a JSON number (beyond ±9007199254740991, or more digits than it holds): send it as a string`,
    ru: ({ number }) => `число ${number} нельзя прочитать точно (больше ±9007199254740991 или слишком много цифр): передайте его строкой`,
  },
  lone_surrogate: {
    en: () => "holds an unpaired UTF-16 surrogate (\\uD800–\\uDFFF), which is no character: send valid Unicode text",
    ru: () => "содержит непарный суррогат UTF-16 (\\uD800–\\uDFFF), а это не символ: передайте корректный текст Unicode",
  },
  too_deep: {
    en: ({ max }) => `nested deeper than ${max} levels`,
    ru: ({ max }) => `вложенность больше ${max} уровней`,
  },
  turnstile_missing: {
    en: () => "The anti-bot check is missing: wait for it to finish",
    ru: () => "Нет проверки от ботов: дождитесь, пока она закончится",
  },
  turnstile_failed: {
    en: () => "The anti-bot check failed: please try again",
    ru: () => "Проверка от ботов не пройдена: попробуйте ещё раз",
  },
  turnstile_expired: {
    en: () => "The anti-bot check expired or was already used: please try again",
    ru: () => "Проверка от ботов устарела или уже использована: попробуйте ещё раз",
  },
  turnstile_unverified: {
    en: () => "The anti-bot check could not be verified: please try again",
    ru: () => "Не удалось проверить защиту от ботов: попробуйте ещё раз",
  },
  turnstile_foreign_host: {
    en: () => "The anti-bot check was solved on another site",
    ru: () => "Проверка от ботов пройдена на другом сайте",
  },
} as const satisfies Record<string, Words>;

/** Why a caller was turned away. */
export type RefusalReason = keyof typeof TEXTS;

/**
 * What the gateway says when it turns a caller away for `reason`, in `language`.
 *
 * @example refusalMessage("lacks_scope", "en", { scope: "orders:write" }) // "This API key lacks the orders:write scope"
 * @example refusalMessage("foreign_origin", "ru") // "Эта страница не может отправлять заявки с этим ключом"
 */
export function refusalMessage(reason: RefusalReason, language: Language, params: RefusalParams = {}): string {
  return TEXTS[reason][language](params);
}
