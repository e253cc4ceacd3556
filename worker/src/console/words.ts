/**
 * The console's words, Russian first (its operators' language) and English. One table, so that a view
 * cannot show a word in one language only: the type requires both.
 */
export const LANGUAGES = ["ru", "en"] as const;
export type ConsoleLanguage = (typeof LANGUAGES)[number];

const WORDS = {
  title: { ru: "Консоль calltouch-gateway", en: "calltouch-gateway console" },
  skip: { ru: "К содержанию", en: "Skip to content" },
  signInTitle: { ru: "Вход", en: "Sign in" },
  signInHint: {
    ru: "Введите ключ администратора (scope admin). Он нужен только для входа: дальше работает короткая сессия.",
    en: "Enter an admin key (scope admin). It is used only to sign in; a short session follows.",
  },
  adminKey: { ru: "Ключ администратора", en: "Admin key" },
  signIn: { ru: "Войти", en: "Sign in" },
  signOut: { ru: "Выйти", en: "Sign out" },
  wrongKey: {
    ru: "Ключ не подходит: нужен действующий ключ со scope admin.",
    en: "That key does not work: an active key with the admin scope is needed.",
  },
  tooMany: { ru: "Слишком много попыток входа; подождите минуту.", en: "Too many sign-in attempts; wait a minute." },
  expired: { ru: "Сессия истекла; войдите снова.", en: "The session expired; sign in again." },
  off: {
    ru: "Консоль выключена: не задан CONSOLE_SESSION_KEY (секрет, не короче 32 символов). Задайте его и перезапустите.",
    en: "The console is off: CONSOLE_SESSION_KEY (a secret of 32+ characters) is not set. Set it and redeploy.",
  },
  forbidden: { ru: "Запрос отклонён: он пришёл не со страницы консоли.", en: "Request refused: it did not come from a console page." },
  overview: { ru: "Обзор", en: "Overview" },
  deadLetters: { ru: "Недоставленные", en: "Dead letters" },
  findDeal: { ru: "Найти сделку", en: "Find a deal" },
  site: { ru: "Сайт", en: "Site" },
  queued: { ru: "В очереди", en: "Queued" },
  inFlight: { ru: "Отправляются", en: "In flight" },
  deliveredToday: { ru: "Доставлено сегодня", en: "Delivered today" },
  dead: { ru: "Недоставлено", en: "Dead" },
  oldestQueued: { ru: "Ждёт дольше всех", en: "Oldest queued" },
  paused: { ru: "Доставка приостановлена", en: "Delivery paused" },
  pausedSince: { ru: "с", en: "since" },
  running: { ru: "Доставка идёт", en: "Delivering" },
  resume: { ru: "Возобновить доставку", en: "Resume delivery" },
  resumed: { ru: "Доставка возобновлена.", en: "Delivery resumed." },
  notPaused: { ru: "Доставка не была приостановлена.", en: "Delivery was not paused." },
  chartTitle: { ru: "За 24 часа, в минуту", en: "Last 24 hours, per minute" },
  delivered: { ru: "доставлено", en: "delivered" },
  refused: { ru: "отказано", en: "refused" },
  retried: { ru: "повторы", en: "retries" },
  noDead: { ru: "Недоставленных нет.", en: "No dead letters." },
  reason: { ru: "Причина", en: "Reason" },
  count: { ru: "Сколько", en: "How many" },
  latest: { ru: "Последняя", en: "Latest" },
  show: { ru: "Показать", en: "Show" },
  replayAll: { ru: "Отправить все снова", en: "Replay all" },
  replaySelected: { ru: "Отправить выбранные снова", en: "Replay selected" },
  select: { ru: "Выбрать", en: "Select" },
  deal: { ru: "Сделка", en: "Deal" },
  change: { ru: "Изменение", en: "Change" },
  sent: { ru: "Отправленный JSON", en: "JSON sent" },
  answer: { ru: "Ответ", en: "Answer" },
  nextPage: { ru: "Дальше", en: "Next page" },
  confirmTitle: { ru: "Подтвердите повторную отправку", en: "Confirm the replay" },
  confirmText: { ru: "Будет отправлено снова сделок: ", en: "Deals that will be sent again: " },
  confirm: { ru: "Отправить", en: "Send" },
  cancel: { ru: "Отмена", en: "Cancel" },
  nothingSelected: { ru: "Ничего не выбрано.", en: "Nothing selected." },
  replayedCount: { ru: "Поставлено в очередь снова: ", en: "Queued again: " },
  refusedCount: {
    ru: "Не отправлены (более позднее изменение сделки уже доставлено): ",
    en: "Not replayed (a later change of the deal was delivered): ",
  },
  search: { ru: "Номер заказа или телефон", en: "Order number or phone" },
  find: { ru: "Найти", en: "Find" },
  notFound: { ru: "Ничего не найдено.", en: "Nothing found." },
  state: { ru: "Состояние", en: "State" },
  attempts: { ru: "Попыток", en: "Attempts" },
  calltouchId: { ru: "ID в Calltouch", en: "Calltouch id" },
  accepted: { ru: "Принято", en: "Accepted" },
  kind: { ru: "Вид", en: "Kind" },
  ledger: { ru: "Что знает журнал", en: "What the ledger believes" },
  ledgerNone: {
    ru: "Журнал не знает сделку: создание уйдёт как создание.",
    en: "The ledger does not know the deal: a create goes as a create.",
  },
  ledgerKnown: { ru: "Calltouch хранит сделку", en: "Calltouch holds the deal" },
  learnedFrom: { ru: "узнано из изменения", en: "learned from change" },
  keys: { ru: "Ключи", en: "Keys" },
  keyId: { ru: "ID", en: "Id" },
  keyType: { ru: "Тип", en: "Type" },
  scopes: { ru: "Права", en: "Scopes" },
  origins: { ru: "Источники", en: "Origins" },
  lastUsed: { ru: "Последнее принятое изменение", en: "Last change accepted" },
  never: { ru: "нет", en: "none" },
  keysHint: {
    ru: "Ключи из API_KEYS: ни секрет, ни его хеш здесь не показываются. Время — с точностью до минуты.",
    en: "The keys of API_KEYS: neither a secret nor its hash is shown. Times are to the minute.",
  },
  language: { ru: "English", en: "Русский" },
} satisfies Record<string, Record<ConsoleLanguage, string>>;

export type Word = keyof typeof WORDS;

/**
 * The words of one language.
 *
 * @example const t = wordsOf("ru"); t("signIn") // "Войти"
 */
export function wordsOf(language: ConsoleLanguage): (word: Word) => string {
  return (word) => WORDS[word][language];
}
