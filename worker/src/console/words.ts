/**
 * The console's words, Russian first (its operators' language) and English, in one table:
 * `worker/public/console-words.json`. A view cannot show a word in one language only: `Word` below does
 * not compile while an entry lacks one. The table is a static asset, read at the console's first request
 * of an isolate (`loadWords`), not a part of the Worker's bundle: its 10 KiB (minified) would cost every
 * cold start of every call, for pages an operator opens now and then.
 */
import type table from "../../public/console-words.json";
import { type StaticAssets, staticJson } from "../static-json";

export const LANGUAGES = ["ru", "en"] as const;
export type ConsoleLanguage = (typeof LANGUAGES)[number];

/** Every entry with both languages, or this fails to compile. */
type Table<T extends Record<string, Record<ConsoleLanguage, string>>> = T;

export type Word = keyof Table<typeof table>;

/** The static asset holding the table. */
const WORDS_ASSET = "/console-words.json";

const readWords = staticJson<Table<typeof table>>(WORDS_ASSET);
let words: Table<typeof table> | undefined;

/**
 * Reads the table, once per isolate: the console's first middleware awaits it, so that every view can
 * then ask for its words synchronously ({@link wordsOf}).
 *
 * @example consoleDoor.use(async (c, next) => { await loadWords(c.env.ASSETS, c.req.url); await next(); });
 */
export async function loadWords(assets: StaticAssets, url: string): Promise<void> {
  words ??= await readWords(assets, url);
}

/**
 * The words of one language; {@link loadWords} must have read the table.
 *
 * @example const t = wordsOf("ru"); t("signIn") // "Войти"
 */
export function wordsOf(language: ConsoleLanguage): (word: Word) => string {
  const loaded = words;
  if (loaded === undefined) throw new Error("the console's words are read by loadWords first");
  return (word) => loaded[word][language];
}
