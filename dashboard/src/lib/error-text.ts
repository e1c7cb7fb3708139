// The API's error envelope in the reader's language (issue 21). The API keeps its codes and English
// messages (machines and logs read them); the dashboard shows catalog text instead: the error's
// `code` picks `errors.<code>`, and each issue's message is recognised (zod's own wording, or one
// of the handlers' fixed sentences) and rewritten from `errors.issue.*` with its figures. What is
// not recognised falls back to a sentence by status (and, for an English reader, the API's words).
// Pure (no DOM, no i18next instance): it takes the page's `t`, so Node tests run it with the catalogs.
import type { Issue } from "./issues";

/** The page's `t` (i18n.ts), loosely typed: the keys below are built, and the test checks them. */
type Translate = (...args: any[]) => unknown;
/** The part of an ApiError (api/client.ts) read here. */
interface Envelope {
  status: number;
  code: string;
  message: string;
}

type IssueKey = `errors.issue.${string}`;
type Rule = [RegExp, (m: RegExpExecArray) => [IssueKey, Record<string, string>?]];

// zod 4's default messages, then the handlers' sentences (functions/edge/routes/*).
const RULES: Rule[] = [
  [/^Invalid input: expected \w+, received undefined$/, () => ["errors.issue.required"]],
  [/^Invalid input: expected (number|int)\b/, () => ["errors.issue.number"]],
  [/^Invalid input: expected boolean\b/, () => ["errors.issue.boolean"]],
  [/^Invalid input: expected array\b/, () => ["errors.issue.list"]],
  [/^Invalid email address$/, () => ["errors.issue.email"]],
  [/^Invalid URL$/, () => ["errors.issue.url"]],
  [/^Invalid option: expected one of (.+)$/, (m) => ["errors.issue.option", { options: m[1]!.replaceAll('"', "") }]],
  [/^Too small: expected string to have >=?1 characters?$/, () => ["errors.issue.required"]],
  [/^Too small: expected string to have >=?(\d+) characters$/, (m) => ["errors.issue.min_length", { min: m[1]! }]],
  [/^Too big: expected string to have <=?(\d+) characters$/, (m) => ["errors.issue.max_length", { max: m[1]! }]],
  [/^Too small: expected (?:array|set) to have >=?(\d+) items?$/, (m) => ["errors.issue.min_items", { min: m[1]! }]],
  [/^Too big: expected (?:array|set) to have <=?(\d+) items?$/, (m) => ["errors.issue.max_items", { max: m[1]! }]],
  [/^Too small: expected number to be >=(-?[\d.]+)$/, (m) => ["errors.issue.min", { min: m[1]! }]],
  [/^Too small: expected number to be >(-?[\d.]+)$/, (m) => ["errors.issue.above", { min: m[1]! }]],
  [/^Too big: expected number to be <=(-?[\d.]+)$/, (m) => ["errors.issue.max", { max: m[1]! }]],
  [/^Too big: expected number to be <(-?[\d.]+)$/, (m) => ["errors.issue.below", { max: m[1]! }]],
  [/^Unrecognized keys?: (.+)$/, (m) => ["errors.issue.unknown_key", { keys: m[1]!.replaceAll('"', "") }]],
  [/^Required for weekly reports\.$/, () => ["errors.issue.weekday_required"]],
  [/^Required for (roi_below|spend_up)\.$/, () => ["errors.issue.required"]],
  [/^Required for role partner\.$/, () => ["errors.issue.required"]],
  [/^Only for role partner\.$/, () => ["errors.issue.partner_only"]],
  [/^A percentage above 0\.$/, () => ["errors.issue.above", { min: "0" }]],
  [/^Choose another\.$/, () => ["errors.issue.taken"]],
  [/^(Unknown partner|No such partner) in this site\.$/, () => ["errors.issue.unknown_partner"]],
  [/^Would make a cycle\.$/, () => ["errors.issue.cycle"]],
  [/^Not an IANA time zone\.$/, () => ["errors.issue.time_zone"]],
  [/^Use a page on (\S+) or an allowed origin\.$/, (m) => ["errors.issue.site_url", { domain: m[1]! }]],
  [/^At most the site's retention_days \((\d+)\)\.$/, (m) => ["errors.issue.retention", { max: m[1]! }]],
  // Experiments (routes/experiments.ts, experiment-runs.ts).
  [/^One weight per variant\.$/, () => ["errors.issue.weights_count"]],
  [/^Weights must sum to 1\.$/, () => ["errors.issue.weights_sum"]],
  [/^Variant keys must differ\.$/, () => ["errors.issue.variants_distinct"]],
  [/^Unknown variant\.$/, () => ["errors.issue.unknown_variant"]],
  [/^user_id or visitor_id is required\.$/, () => ["errors.issue.user_or_visitor"]],
  [/^A creative test needs creative_field\.$/, () => ["errors.issue.creative_field"]],
  [/^Only a creative test has creative_field\.$/, () => ["errors.issue.creative_field_onsite"]],
  [/^A (mean|proportion) metric needs \w+\.$/, () => ["errors.issue.required"]],
  [/^More conversions than units\.$/, () => ["errors.issue.conversions_above_units"]],
  [/^CUPED needs pre for every variant or none\.$/, () => ["errors.issue.cuped_pre"]],
  [/^sum_squares cannot be below sum² \/ n\.$/, () => ["errors.issue.impossible_sums"]],
  [/^An experiment with this key exists\.$/, () => ["errors.issue.experiment_key"]],
];

/** One issue's message in the reader's language. */
export function issueText(t: Translate, language: string, message: string): string {
  for (const [pattern, key] of RULES) {
    const m = pattern.exec(message);
    if (m) {
      const [k, values] = key(m);
      return String(t(k, values ?? {}));
    }
  }
  return language === "en" ? message : String(t("errors.issue.invalid"));
}

export const translateIssues = (t: Translate, language: string, issues: readonly Issue[]): Issue[] =>
  issues.map((i) => ({ path: i.path, message: issueText(t, language, i.message) }));

/** The error's own sentence: its code's catalog text, else one by status. */
export function errorText(t: Translate, language: string, err: Envelope): string {
  const known = String(t(`errors.${err.code}`, { defaultValue: "" }));
  if (known) return known;
  if (language === "en" && err.status > 0 && err.status < 500) return err.message;
  const byStatus =
    err.status === 0
      ? "errors.network"
      : err.status === 401
        ? "errors.unauthorized"
        : err.status === 403
          ? "errors.forbidden"
          : err.status === 404
            ? "errors.not_found"
            : err.status === 409
              ? "errors.conflict"
              : err.status === 429
                ? "errors.rate_limited"
                : err.status >= 500
                  ? "errors.unexpected"
                  : "errors.validation_failed";
  return String(t(byStatus));
}
