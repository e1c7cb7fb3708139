// Funnel steps and journey anchors as URL tokens: a saved goal's id, or one of the built-in goals
// (`@page` any page view, `@signup`, `@purchase`), so a funnel is a shareable link.
import type { Goal, GoalRef } from "../../api/analysis-types";
import type { TFunction } from "../../i18n";

export const BUILTINS = ["@page", "@signup", "@purchase"] as const;
export const DEFAULT_STEPS = "@page,@signup,@purchase";

export const builtinLabel = (t: TFunction, token: string) =>
  t(`conversions.builtin.${token.slice(1) as "page" | "signup" | "purchase"}`);

/** The API's step for a token (a saved goal by id). */
export function toRef(t: TFunction, token: string): GoalRef {
  switch (token) {
    case "@page":
      return { kind: "page", path: "/*", label: builtinLabel(t, token) };
    case "@signup":
      return { kind: "signup", label: builtinLabel(t, token) };
    case "@purchase":
      return { kind: "purchase", label: builtinLabel(t, token) };
    default:
      return { goal_id: token };
  }
}

/** Options for a step select: the built-in goals, then the saved ones. */
export function stepOptions(t: TFunction, goals: Goal[] | undefined) {
  return [
    ...BUILTINS.map((b) => ({ value: b, label: builtinLabel(t, b) })),
    ...(goals ?? []).map((g) => ({ value: g.id, label: g.name })),
  ];
}
