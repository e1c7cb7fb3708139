// Any failure of an action (a button, not a form) as a sentence for an alert or a notice, in the
// reader's language (lib/error-text.ts).
import { ApiError } from "../api/client";
import type { Language, TFunction } from "../i18n";
import { errorText } from "./error-text";

export function failureText(t: TFunction, language: Language, err: unknown): string {
  if (err instanceof ApiError) return errorText(t, language, err);
  console.error("action failed", err);
  return t("errors.unexpected");
}
