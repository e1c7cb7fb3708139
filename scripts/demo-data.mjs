// Deterministic demo traffic for a course business: visitors arriving from the channels this
// market sees (Baidu, Zhihu, Xiaohongshu, Douyin ads, WeChat, newsletters, partners, AI
// assistants...), browsing courses, signing up, buying, sometimes refunding.
// Sent through the server API, so it takes the same enrichment and queue path as live traffic.

export const DEMO_COURSES = [
  { id: "py-101", name: "Python 入门", price: 199 },
  { id: "ds-201", name: "数据分析实战", price: 499 },
  { id: "ml-301", name: "机器学习进阶", price: 1299 },
  { id: "pm-101", name: "产品经理必修课", price: 299 },
  { id: "col-weekly", name: "每周技术专栏 (年度)", price: 99 },
];

/** Arrivals: [weight, landing query, referrer]. */
const ARRIVALS = [
  [18, "", "https://www.baidu.com/s?wd=python%E5%85%A5%E9%97%A8"],
  [8, "", "https://www.google.com/"],
  [12, "?utm_source=zhihu&utm_medium=social&utm_campaign=answer-python", "https://www.zhihu.com/"],
  [10, "?utm_source=xiaohongshu&utm_medium=social&utm_campaign=note-ds", "https://www.xiaohongshu.com/"],
  [9, "?utm_source=douyin&utm_medium=cpc&utm_campaign=spring-sale", ""],
  [6, "?utm_source=baidu&utm_medium=cpc&utm_campaign=brand&bd_vid=1", ""],
  [7, "?utm_source=weixin&utm_medium=social&utm_campaign=gzh-article", "https://mp.weixin.qq.com/"],
  [6, "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly-42", ""],
  [6, "?ref=laowang", ""],
  [4, "?via=ai-tutor", ""],
  [4, "", "https://chatgpt.com/"],
  [3, "", "https://www.bilibili.com/video/BV1xx"],
  [12, "", ""],
];

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(rand, weighted) {
  const total = weighted.reduce((n, w) => n + w[0], 0);
  let r = rand() * total;
  for (const w of weighted) if ((r -= w[0]) < 0) return w;
  return weighted.at(-1);
}

const UAS = [
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47",
  "Mozilla/5.0 (Linux; Android 14; 23049RAD8C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0",
];

/**
 * @param {{ origin: string, days?: number, visitorsPerDay?: number, seed?: number, now?: number }} o
 * @returns server-API events (ServerEvent schema), oldest first
 */
export function demoEvents({ origin, days = 5, visitorsPerDay = 120, seed = 42, now = Date.now() }) {
  const rand = mulberry32(seed);
  const events = [];
  let n = 0;
  const id = () => `demo-${seed}-${(n++).toString(36)}`;
  for (let day = days; day >= 1; day--) {
    for (let v = 0; v < visitorsPerDay; v++) {
      const visitor = `demo-visitor-${seed}-${day}-${v}`;
      const [, query, referrer] = pick(rand, ARRIVALS);
      const ua = UAS[Math.floor(rand() * UAS.length)];
      let ts = now - day * 86_400_000 + Math.floor(rand() * 80_000_000);
      const course = DEMO_COURSES[Math.floor(rand() * DEMO_COURSES.length)];
      const base = { visitor_id: visitor, user_agent: ua, country: "CN" };
      events.push({
        ...base,
        id: id(),
        type: "pageview",
        ts,
        url: `${origin}/${query}`,
        referrer: referrer || undefined,
        title: "首页",
      });
      const pages = 1 + Math.floor(rand() * 4);
      for (let p = 0; p < pages; p++) {
        ts += 20_000 + Math.floor(rand() * 120_000);
        events.push({
          ...base,
          id: id(),
          type: "pageview",
          ts,
          url: `${origin}/courses/${course.id}`,
          referrer: `${origin}/`,
          title: course.name,
        });
        events.push({
          ...base,
          id: id(),
          type: "engagement",
          ts: ts + 15_000,
          url: `${origin}/courses/${course.id}`,
          engaged_ms: 5_000 + Math.floor(rand() * 90_000),
        });
      }
      // Learners who read more course pages sign up (and buy) more often.
      if (rand() < 0.04 + 0.05 * pages) {
        const user = `learner-${seed}-${day}-${v}`;
        ts += 60_000;
        events.push({ ...base, id: id(), type: "signup", ts, user_id: user, url: `${origin}/signup` });
        if (rand() < 0.5) {
          ts += 120_000;
          const order = `order-${seed}-${day}-${v}`;
          events.push({
            ...base,
            id: id(),
            type: "purchase",
            ts,
            user_id: user,
            order_id: order,
            revenue: course.price,
            currency: "CNY",
            items: [{ id: course.id, name: course.name, price: course.price }],
          });
          if (rand() < 0.08)
            events.push({
              ...base,
              id: id(),
              type: "refund",
              ts: ts + 3_600_000,
              user_id: user,
              order_id: order,
              revenue: course.price,
              currency: "CNY",
            });
        }
      }
    }
  }
  return events.filter((e) => e.ts < now).sort((a, b) => a.ts - b.ts);
}

/** Daily ad spend for the demo's paid campaigns (CNY), matching the paid arrivals above. */
export function demoCosts({ days = 5, now = Date.now(), seed = 42 } = {}) {
  const rand = mulberry32(seed + 1);
  const rows = [];
  for (let day = days; day >= 1; day--) {
    const date = new Date(now - day * 86_400_000).toISOString().slice(0, 10);
    rows.push({
      date,
      source: "douyin",
      medium: "cpc",
      campaign: "spring-sale",
      cost: Math.round(600 + rand() * 300),
      impressions: 40_000,
      clicks: 900,
    });
    rows.push({
      date,
      source: "baidu",
      medium: "cpc",
      campaign: "brand",
      cost: Math.round(250 + rand() * 100),
      impressions: 8_000,
      clicks: 400,
    });
  }
  return rows;
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

/**
 * Returning learners over the last 30 days, for the recommender: each follows one of a few
 * learning tracks, views courses (as an app does with `view_item` events carrying item_id), adds
 * some to the cart and buys one to three of them, in the track's order.
 */
export const DEMO_TRACKS = [
  ["py-101", "ds-201", "ml-301", "col-weekly"],
  ["py-101", "ds-201", "col-weekly"],
  ["pm-101", "col-weekly", "ds-201"],
  ["pm-101", "py-101"],
];

export function demoLearnerJourneys({ learners = 160, seed = 7, now = Date.now() } = {}) {
  const rand = mulberry32(seed);
  const events = [];
  let n = 0;
  const id = () => `journey-${seed}-${(n++).toString(36)}`;
  for (let l = 0; l < learners; l++) {
    const track = DEMO_TRACKS[Math.floor(rand() * DEMO_TRACKS.length)];
    const user = `learner-track-${l}`;
    const base = { user_id: user, user_agent: UAS[l % UAS.length], country: "CN" };
    let ts = now - 30 * 86_400_000 + Math.floor(rand() * 20 * 86_400_000);
    const buys = 1 + Math.floor(rand() * Math.min(3, track.length));
    for (let step = 0; step < Math.min(track.length, buys + 1); step++) {
      const course = DEMO_COURSES.find((c) => c.id === track[step]);
      ts += 3_600_000 + Math.floor(rand() * 3 * 86_400_000);
      const look = { ...base, type: "custom", props: { item_id: course.id } };
      const buying = step < buys;
      const views = 1 + Math.floor(rand() * 3);
      for (let v = 0; v < views; v++) events.push({ ...look, id: id(), name: "view_item", ts: ts + v * 30_000 });
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
