// Server-side message catalog: what people read in emails and on pages the Worker renders itself
// (ROI reports, alerts, account emails, the unsubscribe page). Pure. The JSON files use i18next's
// `{{name}}` placeholders so the dashboard can load the same catalogs later.
import en from "./messages/en.json";
import zhCN from "./messages/zh-CN.json";

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageKey = keyof typeof en;

// Typed against the English catalog: a key missing from zh-CN fails typecheck (extra keys are
// caught by test/node/messages.test.ts).
const CATALOGS: Record<Locale, Record<MessageKey, string>> = { en, "zh-CN": zhCN };

/** Anything that is not exactly "zh-CN" reads English: stored values and old tokens stay safe. */
export const asLocale = (value: string | null | undefined): Locale => (value === "zh-CN" ? "zh-CN" : "en");

/** The message `key` in `locale`, with `{{name}}` replaced by params[name] (unknown names stay as written). */
export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return CATALOGS[locale][key].replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export const catalogs = (): Readonly<Record<Locale, Readonly<Record<string, string>>>> => CATALOGS;
