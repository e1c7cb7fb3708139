// Deterministic demo data for a course business ("Demo Academy"), sent through the server API so it
// takes the same enrichment and queue path as live traffic:
// - a month of visitors from the channels this market sees (Baidu, Douyin, Xiaohongshu, WeChat,
//   Bilibili, Zhihu, newsletters, partners, AI assistants...), paid ones bought by the day's spend;
// - behaviour that gives buying away, as the propensity model sees it: buyers read more course
//   pages, stay longer and come back; how keen a visitor is depends on where they came from;
// - daily ad spend per campaign, a week at each budget level, with diminishing returns: more
//   money buys dearer clicks and colder audiences, so sales grow slower than spend;
// - returning learners following learning tracks, for the recommender.
// Everything comes from seeded generators and the day offsets from `now`: the same data every day.
import { seededRandom } from "../models/random.ts";
import { pickWeighted, simulateLearner } from "./demo-learner.mjs";

export const DEMO_COURSES = [
  { id: "py-101", name: "Python 入门", price: 199 },
  { id: "ds-201", name: "数据分析实战", price: 499 },
  { id: "ml-301", name: "机器学习进阶", price: 1299 },
  { id: "pm-101", name: "产品经理必修课", price: 299 },
  { id: "col-weekly", name: "每周技术专栏 (年度)", price: 99 },
];

/** Learning tracks: the order in which learners take the courses (journeys, and second purchases). */
export const DEMO_TRACKS = [
  ["py-101", "ds-201", "ml-301", "col-weekly"],
  ["py-101", "ds-201", "col-weekly"],
  ["pm-101", "col-weekly", "ds-201"],
  ["pm-101", "py-101"],
];

/** Days of traffic and spend: enough for budget advice (7+ days with spend per channel) and trends. */
export const DEMO_DAYS = 30;
const DAY_MS = 86_400_000;
/** The demo site's timezone (Asia/Shanghai): costs are dated and visits fall in its local days. */
const UTC_OFFSET_MS = 8 * 3_600_000;

/**
 * Paid campaigns (spend in CNY): `budget` a day before any test, `cpc` per visit at that budget,
 * the landing `course`, `intent`: how keen their visitors are (log-odds; search buys intent, feed
 * ads buy attention), and `tests`: where in BUDGET_TESTS the campaign's budget test starts. A
 * channel's campaigns are tested together, as a marketer moves a channel's budget.
 */
const paid = (source, campaign, course, budget, cpc, intent, tests) => {
  return { source, medium: "cpc", campaign, course, budget, cpc, intent, tests };
};
export const DEMO_CAMPAIGNS = [
  // source, campaign, landing course, budget and cost per visit (CNY), intent, budget test phase
  paid("baidu", "python-search", "py-101", 105, 15, 0.2, 0), // 百度搜索推广
  paid("google", "overseas-search", "ds-201", 40, 20, -0.9, 0),
  paid("douyin", "spring-sale", "py-101", 88, 8, -1.1, 2), // 巨量引擎 feed ads
  paid("xiaohongshu", "note-boost", "ds-201", 70, 14, -0.5, 2), // 聚光 promoted notes
  paid("weixin", "moments-ads", "pm-101", 60, 10, -0.6, 2), // 朋友圈广告
  paid("bilibili", "up-creator", "ds-201", 60, 12, -0.4, 4),
];

/** A week at each multiple of the usual budget, most recent week first: the demo's budget tests. */
const BUDGET_TESTS = [0.8, 0.25, 2, 0.5, 3, 1];

/** Unpaid arrivals: [visitors a day, landing query, referrer, intent]. */
const ORGANIC = [
  [0.8, "", "https://www.baidu.com/s?wd=python%E5%85%A5%E9%97%A8", 0],
  [0.6, "?utm_source=zhihu&utm_medium=social&utm_campaign=answer-python", "https://www.zhihu.com/", -0.3],
  [0.4, "", "https://www.xiaohongshu.com/", -0.6],
  [0.6, "?utm_source=weixin&utm_medium=social&utm_campaign=gzh-article", "https://mp.weixin.qq.com/", -0.2],
  [0.4, "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly", "", 0.5],
  [1, "?ref=laowang", "", 0.2],
  [0.5, "?via=ai-tutor", "", 0.3],
  [0.3, "", "https://chatgpt.com/", 0.1],
  [0.3, "", "https://www.bilibili.com/video/BV1xx", -0.5],
  [0.6, "", "", 0.1],
];

const UAS = {
  wechat:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47",
  android:
    "Mozilla/5.0 (Linux; Android 14; 23049RAD8C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
  mac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  windows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0",
};

/** WeChat ads and articles open in WeChat; the feeds are phone apps; search is half desktop. */
function userAgent(rand, arrival) {
  const from = arrival.query + arrival.referrer;
  if (/weixin/.test(from)) return UAS.wechat;
  if (/douyin|xiaohongshu|bilibili/.test(from) || rand() < 0.5) return UAS.android;
  return rand() < 0.6 ? UAS.windows : UAS.mac;
}

/** Stochastic rounding: 2.3 gives 3 three times in ten. */
const count = (rand, expected) => Math.floor(expected + rand());

/**
 * Systematic sampling of one arrival stream's buyers: each visitor still buys with its own
 * probability, but a stream's sales over any few days stay close to their expected number, so the
 * spend -> sales curve shows through the small daily counts of a demo.
 */
function systematicSampler(start) {
  let total = start;
  return (p) => Math.floor(total) !== Math.floor((total += p));
}

/** Local midnight (Asia/Shanghai) `daysAgo` days before today's, as UTC ms, and its date. */
function localDay(now, daysAgo) {
  const start = Math.floor((now + UTC_OFFSET_MS) / DAY_MS) * DAY_MS - UTC_OFFSET_MS - daysAgo * DAY_MS;
  return { start, date: new Date(start + UTC_OFFSET_MS).toISOString().slice(0, 10) };
}

/**
 * Each campaign's day: spend (its week's budget test, and days vary), the visits it buys (at
 * spend^0.85: the auction charges more per click as the budget grows) and the intent of those
 * visitors (a bigger budget reaches colder audiences). Shared by the costs and the traffic.
 */
export function demoSpendPlan({ days = DEMO_DAYS, seed = 42 } = {}) {
  const rand = seededRandom(seed + 1);
  return DEMO_CAMPAIGNS.map((c) => {
    const plan = [];
    for (let daysAgo = days; daysAgo >= 1; daysAgo--) {
      const week = Math.floor((daysAgo - 1) / 7);
      const scale = BUDGET_TESTS[(week + c.tests) % BUDGET_TESTS.length] * (0.85 + 0.3 * rand());
      plan.push({
        daysAgo,
        cost: Math.round(c.budget * scale),
        visits: count(rand, (c.budget / c.cpc) * scale ** 0.85),
        intent: c.intent - 0.15 * Math.log(scale),
      });
    }
    return plan;
  });
}

/** Daily ad spend for the demo's paid campaigns (CNY), matching the paid visits of demoEvents. */
export function demoCosts({ days = DEMO_DAYS, now = Date.now(), seed = 42 } = {}) {
  const plan = demoSpendPlan({ days, seed });
  return DEMO_CAMPAIGNS.flatMap((c, i) =>
    plan[i].map((d) => ({
      date: localDay(now, d.daysAgo).date,
      source: c.source,
      medium: c.medium,
      campaign: c.campaign,
      cost: d.cost,
      impressions: d.visits * 60 + Math.round(d.cost * 7),
      clicks: Math.ceil(d.visits * 1.15), // some clicks never load the page
    })),
  );
}

/**
 * @param {{ origin: string, days?: number, seed?: number, now?: number }} o
 * @returns server-API events (ServerEvent schema), oldest first
 */
export function demoEvents({ origin, days = DEMO_DAYS, seed = 42, now = Date.now() }) {
  const rand = seededRandom(seed);
  const plan = demoSpendPlan({ days, seed });
  const events = [];
  let n = 0;
  const id = () => `demo-${seed}-${(n++).toString(36)}`;
  let visitors = 0;
  const visitor = (arrival) => {
    const v = visitors++;
    const base = { visitor_id: `demo-visitor-${seed}-${v}`, user_agent: userAgent(rand, arrival), country: "CN" };
    const user = `learner-${seed}-${v}`;
    simulateLearner(rand, { ...arrival, base, origin, id, events, user, catalog: DEMO_COURSES, tracks: DEMO_TRACKS });
  };
  const buyers = [...DEMO_CAMPAIGNS, ...ORGANIC].map(() => systematicSampler(rand()));
  for (let daysAgo = days; daysAgo >= 1; daysAgo--) {
    const { start } = localDay(now, daysAgo);
    // Open from 08:00 to 23:00 local time. Word of mouth grows over the month.
    const at = () => start + 8 * 3_600_000 + Math.floor(rand() * 15 * 3_600_000);
    DEMO_CAMPAIGNS.forEach((c, i) => {
      const day = plan[i][days - daysAgo];
      const query = `?utm_source=${c.source}&utm_medium=${c.medium}&utm_campaign=${c.campaign}`;
      for (let v = 0; v < day.visits; v++) {
        visitor({
          ts: at(),
          query,
          referrer: "",
          course: c.course,
          intent: day.intent,
          landing: "course",
          buy: buyers[i],
        });
      }
    });
    const growth = 0.8 + (0.4 * (days - daysAgo)) / days;
    for (const [o, [perDay, query, referrer, intent]] of ORGANIC.entries()) {
      for (let v = count(rand, perDay * growth); v > 0; v--) {
        const course = DEMO_COURSES[Math.floor(rand() * DEMO_COURSES.length)].id;
        const buy = buyers[DEMO_CAMPAIGNS.length + o];
        visitor({ ts: at(), query, referrer, course, intent, landing: rand() < 0.5 ? "home" : "course", buy });
      }
    }
  }
  return events.filter((e) => e.ts < now).sort((a, b) => a.ts - b.ts);
}

/**
 * The demo's partner program: the two referral codes the arrivals above use, a creator who earns a
 * share of her own course, and the catalog that says which course is hers.
 */
export function demoPartnerProgram() {
  return {
    program: { binding: "last", cookie_days: 30, levels: 2, holding_days: 30, payout_minimum: 50 },
    partners: [
      { type: "affiliate", name: "老王 (Lao Wang)", code: "laowang", email: "laowang@example.com", group: "kol" },
      { type: "vendor", name: "AI Tutor plugin", code: "ai-tutor" },
      { type: "creator", name: "李老师 (Teacher Li)", code: "teacher-li", creates: "ml-301" },
    ],
    rules: [
      { percent: 20 },
      { partner_group: "kol", percent: 25, tiers: [{ from: 5000, percent: 30 }] },
      { basis: "creator", percent: 50 },
    ],
    items: DEMO_COURSES.map((c) => ({
      id: c.id,
      title: c.name,
      category: c.id.startsWith("col") ? "column" : "course",
      price: c.price,
      currency: "CNY",
    })),
  };
}

/** Where the learners of the journeys first came from: the site's WeChat account, Zhihu answers, the newsletter. */
const JOURNEY_SOURCES = [
  [3, "?utm_source=weixin&utm_medium=social&utm_campaign=gzh-article"],
  [2, "?utm_source=zhihu&utm_medium=social&utm_campaign=answer-python"],
  [2, "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly"],
  [1, "?utm_source=bilibili&utm_medium=social&utm_campaign=course-trailer"],
];

/**
 * Returning learners over the last 30 days, for the recommender: each follows one of a few
 * learning tracks, views courses (as an app does with `view_item` events carrying item_id), adds
 * some to the cart and buys one to three of them, in the track's order.
 */
export function demoLearnerJourneys({
  learners = 40,
  seed = 7,
  now = Date.now(),
  origin = "https://demo.wayfind.local",
} = {}) {
  const rand = seededRandom(seed);
  const events = [];
  let n = 0;
  const id = () => `journey-${seed}-${(n++).toString(36)}`;
  for (let l = 0; l < learners; l++) {
    const track = DEMO_TRACKS[Math.floor(rand() * DEMO_TRACKS.length)];
    const user = `learner-track-${l}`;
    const base = { user_id: user, user_agent: Object.values(UAS)[l % 4], country: "CN" };
    const [, came] = pickWeighted(rand, JOURNEY_SOURCES);
    let ts = now - 30 * 86_400_000 + Math.floor(rand() * 20 * 86_400_000);
    const buys = 1 + Math.floor(rand() * Math.min(3, track.length));
    for (let step = 0; step < Math.min(track.length, buys + 1); step++) {
      const course = DEMO_COURSES.find((c) => c.id === track[step]);
      ts += 3_600_000 + Math.floor(rand() * 3 * 86_400_000);
      const look = { ...base, type: "custom", props: { item_id: course.id } };
      const buying = step < buys;
      const views = 1 + Math.floor(rand() * 3);
      for (let v = 0; v < views; v++) {
        const url = step === 0 && v === 0 ? `${origin}/courses/${course.id}${came}` : undefined;
        events.push({ ...look, id: id(), name: "view_item", ts: ts + v * 30_000, url });
      }
      // Carts are abandoned too, and some learners buy straight from the course page.
      if (rand() < (buying ? 0.6 : 0.3)) events.push({ ...look, id: id(), name: "add_to_cart", ts: ts + 100_000 });
      if (!buying) continue; // looked at the next course, did not buy it (yet)
      events.push({
        ...base,
        id: id(),
        type: "purchase",
        ts: ts + 120_000,
        order_id: `journey-order-${l}-${step}`,
        revenue: course.price,
        currency: "CNY",
        items: [{ id: course.id, name: course.name, price: course.price }],
      });
    }
  }
  return events.filter((e) => e.ts < now).sort((a, b) => a.ts - b.ts);
}
