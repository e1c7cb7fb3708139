// One demo visitor's story, as the site sees it: course pages read and the time spent on them,
// visits back, sign-up, cart, purchase, refund, and a second course weeks later. Used by
// demo-data.mjs; deterministic for a given generator.
import { gaussian } from "../models/random.ts";

const DAY_MS = 86_400_000;
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
export const pickWeighted = (rand, list) => {
  let r = rand() * list.reduce((n, w) => n + w[0], 0);
  for (const w of list) if ((r -= w[0]) < 0) return w;
  return list.at(-1);
};
const normal = (rand) => gaussian(1, 1, rand)[0];
/** Poisson by inversion: small means only. */
function poisson(rand, mean) {
  let k = 0;
  for (let p = Math.exp(-mean), s = p, u = rand(); u > s; k++) s += p *= mean / (k + 1);
  return k;
}

/** Where returning visitors come back from: typing the address, the WeChat account, the newsletter. */
const RETURNS = [
  [18, "", ""],
  [1, "?utm_source=weixin&utm_medium=social&utm_campaign=gzh-article", "https://mp.weixin.qq.com/"],
  [1, "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly", ""],
];

const TABS = ["", "?tab=syllabus", "?tab=reviews", "?tab=trial", "?tab=faq", "?tab=teacher"];

/**
 * One visitor's story, pushed onto `o.events`. A hidden keenness (their arrival's intent plus
 * personal noise) drives what the site can see: course pages read, engaged time, coming back.
 * Buying then depends on what was seen, so the propensity model can learn it from the same facts.
 * `o`: the arrival (ts, query, referrer, landing "home" | "course", course id, intent), `base`
 * fields of every event, `id()` for event ids, `user` (the id they sign up with), `buy(p)` (true
 * with probability p), the `catalog` and learning `tracks`.
 */
export function simulateLearner(rand, o) {
  const { base, origin, id, events, catalog, tracks } = o;
  const keen = sigmoid(o.intent + 1.2 * normal(rand) - 0.8);
  const courses = catalog.map((c) => c.id);
  const course = catalog.find((c) => c.id === o.course);
  const seen = { reads: 0, engagedS: 0, visits: 0 };
  let ts = o.ts;
  /** A course page: the landing (`entry`: its query and referrer) or one reached from the site. */
  const view = (courseId, entry) => {
    const query = entry ? entry.query : TABS[Math.floor(rand() * TABS.length)];
    const referrer = entry ? entry.referrer || undefined : `${origin}/`;
    const engaged = Math.round(1000 * (4 + 75 * keen) * Math.exp(0.5 * normal(rand)));
    events.push({ ...base, id: id(), type: "pageview", ts, url: `${origin}/courses/${courseId}${query}`, referrer });
    events.push({
      ...base,
      id: id(),
      type: "engagement",
      ts: ts + engaged,
      url: `${origin}/courses/${courseId}`,
      engaged_ms: engaged,
    });
    if (courseId === course.id) {
      seen.reads++;
      seen.engagedS += engaged / 1000;
    }
    ts += engaged + 5_000 + Math.floor(rand() * 20_000);
  };
  const visit = (query, referrer, landing, pages) => {
    seen.visits++;
    if (landing === "home") {
      events.push({
        ...base,
        id: id(),
        type: "pageview",
        ts,
        url: `${origin}/${query}`,
        referrer: referrer || undefined,
        title: "首页",
      });
      ts += 10_000 + Math.floor(rand() * 30_000);
    }
    view(course.id, landing === "home" ? undefined : { query, referrer });
    for (let p = 1; p < pages; p++) view(course.id);
    // Keen visitors compare courses.
    if (rand() < 0.1 + 0.4 * keen) view(courses[Math.floor(rand() * courses.length)]);
  };
  visit(o.query, o.referrer, o.landing, 1 + poisson(rand, 3.2 * keen));
  // Coming back: up to two more visits, hours later (a new session each).
  for (let back = 0; back < 2 && rand() < 0.05 + 0.6 * keen; back++) {
    ts += Math.floor((1 + rand() * 19) * 3_600_000);
    const [, query, referrer] = pickWeighted(rand, RETURNS);
    visit(query, referrer, "course", 1 + poisson(rand, 1.5 * keen));
  }
  // Buying, from what the site saw (pages of the course read, minutes on them, visits) and from
  // what it cannot see (payday, a colleague's advice).
  const seenScore = 0.45 * seen.reads + 0.9 * Math.log1p(seen.engagedS / 60) + 1.1 * (seen.visits - 1);
  const buys = o.buy(sigmoid(-5.9 + seenScore + normal(rand)));
  // Learners sign up for the free trial lesson, and to buy.
  if (!buys && rand() >= 0.03 + 0.25 * keen) return;
  ts += 30_000;
  events.push({ ...base, id: id(), type: "signup", ts, user_id: o.user, url: `${origin}/signup` });
  if (!buys) {
    if (seen.reads >= 3 && rand() < 0.3) cart(o, course, (ts += 60_000));
    return;
  }
  if (rand() < 0.5) cart(o, course, (ts += 60_000));
  const order = purchase(o, course, (ts += 120_000), "");
  if (rand() < 0.07) {
    events.push({
      ...base,
      id: id(),
      type: "refund",
      ts: ts + 3 * 3_600_000,
      user_id: o.user,
      order_id: order,
      revenue: course.price,
      currency: "CNY",
    });
    return;
  }
  // Some come back for the next course of their track, when the newsletter or the WeChat account
  // announces it: the learner's value over 30 and 90 days.
  const track = tracks.find((t) => t[0] === course.id) ?? [course.id, "col-weekly"];
  const next = catalog.find((c) => c.id === track[1]);
  if (next && next.id !== course.id && rand() < 0.35) {
    ts += Math.floor((2 + rand() * 18) * DAY_MS);
    const url = `${origin}/courses/${next.id}`;
    let [, query, referrer] = pickWeighted(rand, RETURNS.slice(1));
    for (let p = 1 + poisson(rand, 1.5); p > 0; p--) {
      const engaged = Math.round(1000 * (20 + 60 * rand()));
      events.push({ ...base, id: id(), type: "pageview", ts, user_id: o.user, url: url + query, referrer });
      [query, referrer] = ["", `${origin}/`];
      events.push({
        ...base,
        id: id(),
        type: "engagement",
        ts: ts + engaged,
        user_id: o.user,
        url,
        engaged_ms: engaged,
      });
      ts += engaged + 10_000;
    }
    if (rand() < 0.6) purchase(o, next, (ts += 60_000), "-2");
  }
}

function cart(o, course, ts) {
  o.events.push({
    ...o.base,
    id: o.id(),
    type: "custom",
    name: "add_to_cart",
    ts,
    user_id: o.user,
    props: { item_id: course.id },
  });
}

function purchase(o, course, ts, suffix) {
  const order = `order-${o.user}${suffix}`;
  o.events.push({
    ...o.base,
    id: o.id(),
    type: "purchase",
    ts,
    user_id: o.user,
    order_id: order,
    revenue: course.price,
    currency: "CNY",
    items: [{ id: course.id, name: course.name, price: course.price }],
  });
  return order;
}
