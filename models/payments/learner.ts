// The learner fields a site passes through its payment provider (Stripe metadata, WeChat `attach`,
// Alipay `passback_params`), so a purchase joins the visitor who was referred or recommended to.
// WeChat's attach holds 128 characters, so every field has a one-letter name too:
//   u | user_id        the site's user id
//   v | visitor_id     the snippet's first-party visitor id (cookie mode) or the back end's own id
//   r | rec_id         the recommendation list that led here
//   p | partner_code   a referral code given at checkout
//   i | items          course ids, comma-separated
// As a querystring (`u=learner-7&r=rec_1&i=py-101,go-201`) or a JSON object. A malformed field is
// dropped, never the payment: the bounds are the server event's (functions/edge/capture/schemas.ts).
import type { Learner } from "./types";

const FIELDS: Record<string, keyof Learner> = {
  u: "userId",
  user_id: "userId",
  v: "visitorId",
  visitor_id: "visitorId",
  r: "recId",
  rec_id: "recId",
  p: "partnerCode",
  partner_code: "partnerCode",
  i: "items",
  items: "items",
};

const MAX_ID = { userId: 128, visitorId: 128, recId: 64 } as const;
const PARTNER_CODE = /^[A-Za-z0-9_-]{2,64}$/;
const MAX_ITEMS = 100;
const MAX_ITEM_ID = 128;

const text = (value: unknown, max: number): string | undefined => {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const s = String(value).trim();
  return s.length >= 1 && s.length <= max ? s : undefined;
};

function itemIds(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
  const ids = list.map((v) => text(v, MAX_ITEM_ID)).filter((v): v is string => v !== undefined);
  return ids.length ? [...new Set(ids)].slice(0, MAX_ITEMS) : undefined;
}

/** Learner fields from a record of any names (unknown keys are ignored). */
export function learnerFromRecord(record: Record<string, unknown> | null | undefined): Learner {
  const out: Learner = {};
  for (const [key, value] of Object.entries(record ?? {})) {
    const field = FIELDS[key.trim().toLowerCase()];
    if (!field || out[field] !== undefined) continue;
    if (field === "items") out.items = itemIds(value);
    else if (field === "partnerCode") {
      const code = text(value, 64);
      if (code && PARTNER_CODE.test(code)) out.partnerCode = code;
    } else out[field] = text(value, MAX_ID[field]);
  }
  for (const k of Object.keys(out) as (keyof Learner)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** Learner fields from attach / passback_params text: a JSON object or a querystring. */
export function learnerFromText(value: string | null | undefined): Learner {
  const s = value?.trim();
  if (!s) return {};
  if (s.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(s);
      return parsed && typeof parsed === "object" && !Array.isArray(parsed)
        ? learnerFromRecord(parsed as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }
  try {
    return learnerFromRecord(Object.fromEntries(new URLSearchParams(s)));
  } catch {
    return {};
  }
}

/** Whether the fields name who paid (a user or a visitor), not only what led to the payment. */
export const namesLearner = (l: Learner) => l.userId !== undefined || l.visitorId !== undefined;

/** `extra` fills what `primary` leaves unsaid. */
export const mergeLearner = (primary: Learner, extra: Learner): Learner => ({ ...extra, ...primary });
