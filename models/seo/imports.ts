// Search performance and keyword research rows, as the consoles export them, turned into one shape.
// Google Search Console and Baidu 百度搜索资源平台 name their CSV columns differently, in English or in
// Chinese; the Search Analytics API sends {keys, clicks, impressions, ctr, position} with the keys in
// the order of the request's dimensions. Everything here is pure: the route reads the body, the
// schema layer stores what comes out.

export const SEARCH_SOURCES = ["google", "baidu"] as const;
export type SearchSource = (typeof SEARCH_SOURCES)[number];
export const SEARCH_DIMENSIONS = ["date", "query", "page", "country", "device"] as const;
export type SearchDimension = (typeof SEARCH_DIMENSIONS)[number];

/** One day's figures for one combination of keys; absent keys are "" (the row is of a coarser table). */
export interface SearchRow {
  date: string;
  query: string;
  page: string;
  country: string;
  device: string;
  clicks: number;
  impressions: number;
  /** Average position, 1 = top. */
  position: number;
}

export interface RowIssue {
  path: string;
  message: string;
}
export interface Rejected {
  line?: number;
  index?: number;
  issues: RowIssue[];
}

/** Column names of both consoles' exports (lower-cased, spaces collapsed), English and Chinese. */
const PERFORMANCE_COLUMNS: Record<string, keyof SearchRow | "ctr"> = {
  date: "date",
  日期: "date",
  query: "query",
  queries: "query",
  "top queries": "query",
  keyword: "query",
  keywords: "query",
  查询: "query",
  热门查询: "query",
  关键词: "query",
  搜索词: "query",
  page: "page",
  pages: "page",
  "top pages": "page",
  url: "page",
  网页: "page",
  热门网页: "page",
  页面: "page",
  链接: "page",
  country: "country",
  国家: "country",
  "国家/地区": "country",
  device: "device",
  设备: "device",
  clicks: "clicks",
  点击次数: "clicks",
  点击量: "clicks",
  impressions: "impressions",
  展现量: "impressions",
  展示次数: "impressions",
  ctr: "ctr",
  点击率: "ctr",
  position: "position",
  "average position": "position",
  "avg. position": "position",
  排名: "position",
  平均排名: "position",
};

const KEYWORD_COLUMNS: Record<string, keyof KeywordRow> = {
  keyword: "keyword",
  关键词: "keyword",
  "monthly volume": "volume",
  volume: "volume",
  "avg. monthly searches": "volume",
  "search volume": "volume",
  月均搜索量: "volume",
  搜索量: "volume",
  整体月均搜索量: "volume",
  difficulty: "difficulty",
  "keyword difficulty": "difficulty",
  "competition (indexed value)": "difficulty",
  competition: "difficulty",
  难度: "difficulty",
  竞争度: "difficulty",
  竞争激烈程度: "difficulty",
};

const normaliseHeader = (h: string) =>
  h
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ");

/** Header names mapped to ours; names neither console uses are returned so the caller can say which. */
export function mapColumns(headers: readonly string[], kind: "performance" | "keywords") {
  const table: Record<string, string> = kind === "performance" ? PERFORMANCE_COLUMNS : KEYWORD_COLUMNS;
  const mapped = headers.map((h) => table[normaliseHeader(h)] ?? null);
  const unknown = headers.filter((_, i) => mapped[i] === null && headers[i]!.trim() !== "");
  return { mapped, unknown };
}

/** "1,234", "12.5%", "12.5" → numbers; percent strings are fractions. */
function number(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim().replace(/,/g, "");
  if (text === "" || text === "-" || text === "--") return undefined;
  const percent = text.endsWith("%");
  const n = Number(percent ? text.slice(0, -1) : text);
  if (!Number.isFinite(n)) return undefined;
  return percent ? n / 100 : n;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const normaliseDay = (v: unknown) => (typeof v === "string" ? v.trim().replace(/\//g, "-") : "");

/**
 * One row checked: a day, non-negative whole clicks and impressions (clicks ≤ impressions), a
 * position of at least 1. `fallbackDate` is the import's day for exports with no date column.
 */
export function checkSearchRow(raw: Record<string, unknown>, fallbackDate: string | undefined, at: string) {
  const issues: RowIssue[] = [];
  const date = normaliseDay(raw.date ?? fallbackDate);
  if (!DAY.test(date) || Number.isNaN(Date.parse(date)))
    issues.push({ path: `${at}.date`, message: "Expected a day YYYY-MM-DD (or pass ?date= for exports without one)." });
  const whole = (key: "clicks" | "impressions") => {
    const n = number(raw[key]);
    if (n === undefined || n < 0 || !Number.isInteger(n))
      issues.push({ path: `${at}.${key}`, message: "Expected a whole number ≥ 0." });
    return n ?? 0;
  };
  const clicks = whole("clicks");
  const impressions = whole("impressions");
  if (clicks > impressions) issues.push({ path: `${at}.clicks`, message: "More clicks than impressions." });
  const position = number(raw.position);
  if (position === undefined || position < 1)
    issues.push({ path: `${at}.position`, message: "Expected an average position ≥ 1." });
  const text = (key: string) => (typeof raw[key] === "string" ? (raw[key] as string).trim() : "");
  const row: SearchRow = {
    date,
    query: text("query").toLowerCase(),
    page: text("page"),
    country: text("country").toLowerCase(),
    device: text("device").toLowerCase(),
    clicks,
    impressions,
    position: position ?? 0,
  };
  if (!row.query && !row.page && issues.length === 0)
    issues.push({ path: `${at}`, message: "A row needs a query or a page." });
  return issues.length ? { issues } : { row };
}

/** Search Analytics API rows: keys in the order of `dimensions`. */
export function apiRowToRecord(dimensions: readonly SearchDimension[], row: Record<string, unknown>) {
  const keys = Array.isArray(row.keys) ? row.keys : [];
  const out: Record<string, unknown> = { ...row };
  delete out.keys;
  dimensions.forEach((d, i) => (out[d] = keys[i]));
  return out;
}

export interface KeywordRow {
  keyword: string;
  volume: number;
  /** 0-100; Keyword Planner's Low / Medium / High competition read as 20 / 50 / 80. */
  difficulty: number;
}

const LEVELS: Record<string, number> = { low: 20, medium: 50, high: 80, 低: 20, 中: 50, 高: 80 };

export function checkKeywordRow(raw: Record<string, unknown>, at: string) {
  const issues: RowIssue[] = [];
  const keyword = typeof raw.keyword === "string" ? raw.keyword.trim().toLowerCase() : "";
  if (!keyword) issues.push({ path: `${at}.keyword`, message: "Required." });
  const volume = number(raw.volume);
  if (volume === undefined || volume < 0) issues.push({ path: `${at}.volume`, message: "Expected a number ≥ 0." });
  const level = typeof raw.difficulty === "string" ? LEVELS[raw.difficulty.trim().toLowerCase()] : undefined;
  const difficulty = level ?? number(raw.difficulty);
  if (difficulty === undefined || difficulty < 0 || difficulty > 100)
    issues.push({ path: `${at}.difficulty`, message: "Expected 0-100 or Low/Medium/High." });
  return issues.length
    ? { issues }
    : { row: { keyword, volume: Math.round(volume!), difficulty: difficulty! } satisfies KeywordRow };
}

/** The path of a console's page URL ("https://x.com/a/?q" → "/a"), to match sessions' landing paths. */
export function pagePath(page: string): string {
  let path = page;
  try {
    path = new URL(page).pathname;
  } catch {
    // Already a path (or a bare string): keep it, minus any query.
    path = page.split(/[?#]/)[0]!;
  }
  if (!path.startsWith("/")) path = `/${path}`;
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}
