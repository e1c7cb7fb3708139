// Select options shared by the report and alert forms.
import type { TFunction } from "../../i18n";

const MODELS = [
  "last_non_direct",
  "first_touch",
  "last_touch",
  "linear",
  "time_decay",
  "position_based",
  "markov",
] as const;

export const MODEL_OPTIONS = (t: TFunction) => MODELS.map((m) => ({ value: m, label: t(`models.${m}`) }));

/** "" is the site's locale (the API's null). */
export const LANGUAGE_OPTIONS = (t: TFunction) => [
  { value: "", label: t("reports.language_site") },
  { value: "zh-CN", label: t("languages.zh-CN") },
  { value: "en", label: t("languages.en") },
];
