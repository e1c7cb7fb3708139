// Languages: zh-CN and en, every visible word from the catalogs in ./locales (one JSON per language,
// the same keys in both: test/node/dashboard-i18n.test.ts). The browser's languages pick the
// default; the switch in the header changes it and remembers it in localStorage.
import i18next, { type TFunction } from "i18next";
import en from "./locales/en.json";
import zhCN from "./locales/zh-CN.json";

export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
  }
}

const STORAGE_KEY = "wf.lang";

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode, sandboxed frame): fall back to the browser's languages
  }
}

/** The remembered choice, else the first of the browser's languages we speak, else English. */
export function detectLanguage(): Language {
  const choice = stored();
  if (choice === "en" || choice === "zh-CN") return choice;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const lower = tag.toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

export async function initI18n(language: Language): Promise<void> {
  await i18next.init({
    lng: language,
    fallbackLng: "en",
    supportedLngs: [...LANGUAGES],
    resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
    // Preact escapes text itself.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = language;
}

export async function changeLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch (err) {
    console.warn("could not remember the language", err);
  }
}

export const translator = (language: Language): TFunction => i18next.getFixedT(language);
export type { TFunction };
