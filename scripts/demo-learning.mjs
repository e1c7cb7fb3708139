// The demo's courses as learners take them: each course's modules and lessons (PUT
// /api/v1/items/{id}/lessons), and learning events (core/event.ts LEARNING_EVENT_TYPES) sent through
// the server API like the rest of the demo's events:
// - the month's buyers (the purchases of demoEvents and demoLearnerJourneys, refunds left out) and
//   learners who enrolled in the weeks before that month (their purchases predate the demo's
//   traffic, so the course reports count them as enrolments from their first lesson) start courses;
// - each learner has a hidden motivation; lessons have their own difficulty, a few of them clearly
//   losing learners (the "needs attention" list); a failed quiz makes giving up likelier, most of
//   all for the less motivated, and long gaps between sessions come before going quiet;
// - videos report progress at 25/50/75/100 %, quizzes a score and pass, finishers a certificate,
//   and many learners a 1-5 star rating; Python 入门's ratings fall in the last month;
// - 产品经理必修课 and 机器学习进阶 have not been updated for over a year.
// Deterministic (its own seeded generator; event ids are stable), so a second seed adds nothing.
import { gaussian, seededRandom } from "../models/random.ts";

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
const UTC_OFFSET_MS = 8 * 3_600_000;
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const normal = (rand) => gaussian(1, 1, rand)[0];

/** [id, title, type, minutes, difficulty (log-odds of giving up before it)]. */
const L = (id, title, type, minutes, hard = -3.4) => ({ id, title, type, minutes, hard });
export const DEMO_SYLLABI = {
  "py-101": {
    updatedDaysAgo: 20,
    modules: [
      ["m1", "起步", [L("l1", "为什么学 Python", "video", 8), L("l2", "安装与环境配置", "article", 15, -1.2)]],
      [
        "m2",
        "基础语法",
        [L("l3", "变量与类型", "video", 18), L("l4", "流程控制", "video", 22), L("l5", "基础测验", "quiz", 10)],
      ],
      ["m3", "实战", [L("l6", "文件与数据", "video", 25), L("l7", "小项目：记账本", "live", 60)]],
    ],
  },
  "ds-201": {
    updatedDaysAgo: 45,
    modules: [
      ["m1", "数据准备", [L("l1", "pandas 入门", "video", 20), L("l2", "数据清洗", "video", 28)]],
      [
        "m2",
        "分析方法",
        [L("l3", "统计基础", "article", 20, -1.3), L("l4", "可视化", "video", 24), L("l5", "阶段测验", "quiz", 15)],
      ],
      ["m3", "项目", [L("l6", "电商数据分析", "video", 35)]],
    ],
  },
  "ml-301": {
    updatedDaysAgo: 420,
    modules: [
      ["m1", "模型基础", [L("l1", "监督学习", "video", 30), L("l2", "梯度下降推导", "article", 30, -1.5)]],
      [
        "m2",
        "进阶",
        [L("l3", "树模型", "video", 35), L("l4", "神经网络", "video", 40), L("l5", "结业测验", "quiz", 20)],
      ],
    ],
  },
  "pm-101": {
    updatedDaysAgo: 400,
    modules: [
      ["m1", "产品思维", [L("l1", "什么是产品经理", "video", 12), L("l2", "用户研究", "video", 20)]],
      [
        "m2",
        "需求与原型",
        [L("l3", "需求文档模板", "article", 15), L("l4", "原型工具", "video", 26, -1.3), L("l5", "测验", "quiz", 10)],
      ],
      ["m3", "面试", [L("l6", "直播答疑：面试", "live", 60)]],
    ],
  },
  "col-weekly": {
    updatedDaysAgo: 3,
    modules: [["m1", "本月专栏", [1, 2, 3, 4, 5].map((w) => L(`w${w}`, `第 ${w} 期`, "article", 12, -3.8))]],
  },
};

/** The lessons of a course as PUT /api/v1/items/{id}/lessons takes them. */
export function demoLessons({ now = Date.now() } = {}) {
  return Object.entries(DEMO_SYLLABI).map(([course, s]) => ({
    course,
    body: {
      modules: s.modules.map(([id, title, lessons]) => ({
        id,
        title,
        lessons: lessons.map((l, i) => ({
          id: l.id,
          title: l.title,
          type: l.type,
          duration_seconds: l.minutes * 60,
          // Lessons of a course were last edited on nearby days.
          updated_at: new Date(now - (s.updatedDaysAgo + i * 2) * DAY_MS).toISOString(),
        })),
      })),
    },
  }));
}

/** Learners who enrolled in the weeks before the demo's month, per course. */
const EARLIER = { "py-101": 40, "ds-201": 25, "pm-101": 30, "ml-301": 6, "col-weekly": 10 };

const EARLIER_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47";

/** Stars out of 5: the course's mean, the learner's mood and whether they finished. */
function stars(rand, course, ts, now, finished) {
  // Python 入门 was re-recorded a month ago by a new teacher; learners like it less.
  const mean = course === "py-101" ? (ts > now - 30 * DAY_MS ? 3.2 : 4.5) : course === "ml-301" ? 4.1 : 4.3;
  const s = Math.round(mean + 0.7 * normal(rand) - (finished ? 0 : 1));
  return Math.min(5, Math.max(1, s));
}

/** One learner taking one course from `ts`: their events, pushed onto `out`. */
function takeCourse(rand, o) {
  const { course, user, now, out, id } = o;
  const lessons = DEMO_SYLLABI[course].modules.flatMap(([, , ls]) => ls);
  const motivation = normal(rand); // ~N(0, 1): hidden from the site
  let ts = o.ts;
  let failedQuiz = false;
  const push = (type, props, at = ts) =>
    out.push({ id: id(), type, ts: at, user_id: user, user_agent: o.ua, props: { course_id: course, ...props } });
  for (const [i, l] of lessons.entries()) {
    // Giving up before this lesson: its difficulty, the learner's motivation, a failed quiz (which
    // discourages the less motivated far more).
    const quit = l.hard - 0.9 * motivation + (failedQuiz ? 1.6 - 1.2 * motivation : 0);
    if (i > 0 && rand() < sigmoid(quit)) break;
    const lesson = l.id;
    push("lesson_start", { lesson_id: lesson });
    const spent = Math.round(l.minutes * MIN_MS * (0.8 + 0.5 * rand()));
    if (l.type === "video" || l.type === "live") {
      // Some stop partway through the video, and come back to it later (or do not).
      const reach = rand() < sigmoid(1.8 + motivation) ? 4 : 1 + Math.floor(rand() * 3);
      for (let q = 1; q <= reach; q++)
        push("lesson_progress", { lesson_id: lesson, percent: q * 25 }, Math.round(ts + (spent * q) / 4));
      if (reach < 4) {
        if (rand() < 0.5) break;
        ts += Math.floor((0.5 + 2 * rand()) * DAY_MS);
        push("lesson_start", { lesson_id: lesson });
        for (let q = reach + 1; q <= 4; q++)
          push("lesson_progress", { lesson_id: lesson, percent: q * 25 }, Math.round(ts + (spent * (q - reach)) / 4));
      }
    }
    if (l.type === "quiz") {
      let score = Math.round(Math.min(100, Math.max(10, 68 + 14 * motivation + 12 * normal(rand))));
      push("quiz_submit", { lesson_id: lesson, score, passed: score >= 60 }, ts + spent);
      if (score < 60 && rand() < sigmoid(motivation)) {
        score = Math.min(100, score + 10 + Math.round(20 * rand()));
        push("quiz_submit", { lesson_id: lesson, score, passed: score >= 60 }, ts + 2 * spent);
      }
      failedQuiz = score < 60;
      if (failedQuiz) continue;
    }
    push("lesson_complete", { lesson_id: lesson }, ts + spent);
    ts += spent;
    if (i === lessons.length - 1) {
      push("certificate", {}, ts + MIN_MS);
      if (rand() < 0.75) push("rating", { stars: stars(rand, course, ts, now, true) }, ts + 2 * MIN_MS);
      return;
    }
    // The next lesson: often in the same sitting, else days later (longer for the less motivated).
    ts +=
      rand() < 0.45
        ? Math.floor((2 + 20 * rand()) * MIN_MS)
        : Math.floor((0.3 - Math.log(rand()) * (1.5 + 2 * sigmoid(-motivation))) * DAY_MS);
  }
  if (rand() < 0.3) push("rating", { stars: stars(rand, course, ts, now, false) }, ts + 5 * MIN_MS);
}

/**
 * @param purchases the demo's purchase and refund events (demoEvents, demoLearnerJourneys)
 * @returns server-API learning events, oldest first (only those before today)
 */
export function demoLearning({ purchases, now = Date.now(), seed = 11 }) {
  const rand = seededRandom(seed);
  const out = [];
  let n = 0;
  const id = () => `learn-${seed}-${(n++).toString(36)}`;
  const refunded = new Set(purchases.filter((e) => e.type === "refund").map((e) => e.order_id));
  const enrolments = [];
  for (const e of purchases)
    if (e.type === "purchase" && !refunded.has(e.order_id))
      for (const item of e.items ?? [])
        enrolments.push({ user: e.user_id, course: item.id, ts: e.ts, ua: e.user_agent });
  for (const [course, count] of Object.entries(EARLIER))
    for (let k = 0; k < count; k++) {
      const ts = now - (31 + Math.floor(rand() * 40)) * DAY_MS + Math.floor(rand() * DAY_MS);
      enrolments.push({ user: `learner-earlier-${course}-${k}`, course, ts, ua: EARLIER_UA });
    }
  for (const e of enrolments) {
    // Not every buyer starts: some never open the course.
    if (rand() < 0.12) continue;
    const ts = e.ts + Math.floor((0.05 + 1.5 * rand()) * DAY_MS);
    takeCourse(rand, { ...e, ts, now, out, id });
  }
  // Up to today's local midnight (Asia/Shanghai), where the traffic ends too: a second seed on the
  // same day finds nothing new to send (a later day adds what its learners did since).
  const until = Math.floor((now + UTC_OFFSET_MS) / DAY_MS) * DAY_MS - UTC_OFFSET_MS;
  return out.filter((e) => e.ts < until).sort((a, b) => a.ts - b.ts);
}
