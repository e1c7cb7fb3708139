// On-page SEO audit: the checks run on one page's facts (gathered by the job with HTMLRewriter),
// robots.txt rules and sitemap URLs. Pure, so each check is testable without fetching anything.

/** At most this many pages per audit, one fetch at a time, this far apart, each given this long. */
export const AUDIT_MAX_PAGES = 50;
export const AUDIT_DELAY_MS = 100;
export const AUDIT_FETCH_TIMEOUT_MS = 10_000;
/** A sitemap index is followed at most this many sitemaps deep (one level). */
export const AUDIT_MAX_SITEMAPS = 5;
export const AUDIT_USER_AGENT = "WayfindAudit";
export const TITLE_LENGTH = { min: 10, max: 60 } as const;
export const DESCRIPTION_LENGTH = { min: 50, max: 160 } as const;
/** Link text that says nothing about the target, English and Chinese. */
export const GENERIC_LINK_TEXT = new Set([
  "click here",
  "here",
  "read more",
  "more",
  "learn more",
  "details",
  "点击这里",
  "了解更多",
  "更多",
  "详情",
  "点此",
]);
/** schema.org Course: what Google's course rich result requires. */
export const COURSE_REQUIRED = ["name", "description", "provider"] as const;

export const SEVERITIES = ["error", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const AUDIT_CHECKS = [
  "status",
  "title",
  "meta_description",
  "h1",
  "heading_order",
  "lang",
  "canonical",
  "hreflang",
  "noindex",
  "image_alt",
  "link_text",
  "open_graph",
  "structured_data",
  "query_coverage",
] as const;
export type AuditCheck = (typeof AUDIT_CHECKS)[number];

export interface Finding {
  check: AuditCheck;
  severity: Severity;
  message: string;
}

export interface PageFacts {
  status: number;
  title: string | null;
  description: string | null;
  headings: number[];
  h1Text: string[];
  lang: string | null;
  canonical: string | null;
  hreflang: string[];
  robots: string | null;
  imagesWithoutAlt: number;
  linkTexts: string[];
  og: Set<string>;
  jsonLd: string[];
  /** Words of the body's text; each CJK character counts as one. */
  words: number;
  /** href of every link, as written. */
  hrefs: string[];
}

/** Words in a text: runs of letters or digits, and each CJK character on its own. */
export function countWords(text: string): number {
  const cjk = /[\u2e80-\u9fff\uac00-\ud7af]/g;
  const characters = text.match(cjk)?.length ?? 0;
  return characters + (text.replace(cjk, " ").match(/[\p{L}\p{N}]+/gu)?.length ?? 0);
}

/** Whether the page has schema.org Course structured data (complete or not). */
export const hasCourseData = (jsonLd: readonly string[]) =>
  courses(jsonLd).some((c) => !c.missing.includes("(invalid JSON-LD)"));

/** Length as search results measure it, roughly: a CJK character is as wide as two Latin ones. */
export const displayLength = (text: string) =>
  [...text].reduce((n, ch) => n + (/[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch) ? 2 : 1), 0);

const HREFLANG = /^(x-default|[a-z]{2,3}(-[A-Za-z0-9]{2,8})*)$/;

/** Course objects in the page's JSON-LD (top level, arrays and @graph), with the properties each lacks. */
function courses(jsonLd: readonly string[]): { missing: string[] }[] {
  const out: { missing: string[] }[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    const type = o["@type"];
    if (type === "Course" || (Array.isArray(type) && type.includes("Course")))
      out.push({ missing: COURSE_REQUIRED.filter((k) => !o[k]) });
    if (o["@graph"]) visit(o["@graph"]);
  };
  for (const text of jsonLd) {
    try {
      visit(JSON.parse(text));
    } catch {
      out.push({ missing: ["(invalid JSON-LD)"] });
    }
  }
  return out;
}

/** Every check on one page; `queries` are the page's main search queries (lower-cased). */
export function auditPage(p: PageFacts, queries: readonly string[] = []): Finding[] {
  const f: Finding[] = [];
  const add = (check: AuditCheck, severity: Severity, message: string) => f.push({ check, severity, message });
  if (p.status !== 200) add("status", p.status >= 400 ? "error" : "warning", `HTTP ${p.status}.`);
  const title = p.title?.trim() ?? "";
  if (!title) add("title", "error", "No <title>.");
  else if (displayLength(title) < TITLE_LENGTH.min || displayLength(title) > TITLE_LENGTH.max)
    add(
      "title",
      "warning",
      `Title is ${displayLength(title)} characters wide (aim for ${TITLE_LENGTH.min}-${TITLE_LENGTH.max}).`,
    );
  const description = p.description?.trim() ?? "";
  if (!description) add("meta_description", "warning", "No meta description.");
  else if (displayLength(description) < DESCRIPTION_LENGTH.min || displayLength(description) > DESCRIPTION_LENGTH.max)
    add(
      "meta_description",
      "info",
      `Description is ${displayLength(description)} characters wide (aim for ${DESCRIPTION_LENGTH.min}-${DESCRIPTION_LENGTH.max}).`,
    );
  const h1s = p.headings.filter((h) => h === 1).length;
  if (h1s !== 1) add("h1", "error", `${h1s} <h1> elements (want exactly one).`);
  const skip = p.headings.findIndex((h, i) => (i === 0 ? h !== 1 : h > p.headings[i - 1]! + 1));
  if (skip >= 0) add("heading_order", "warning", `Heading h${p.headings[skip]} skips a level.`);
  if (!p.lang) add("lang", "warning", "No lang attribute on <html>.");
  if (!p.canonical) add("canonical", "warning", "No canonical link.");
  if (p.hreflang.length === 0) add("hreflang", "info", "No hreflang alternates.");
  else if (p.hreflang.some((h) => !HREFLANG.test(h)))
    add("hreflang", "warning", `Invalid hreflang: ${p.hreflang.filter((h) => !HREFLANG.test(h)).join(", ")}.`);
  if (p.robots && /noindex/i.test(p.robots)) add("noindex", "error", "The page asks not to be indexed (noindex).");
  if (p.imagesWithoutAlt > 0) add("image_alt", "warning", `${p.imagesWithoutAlt} image(s) without alt text.`);
  const generic = p.linkTexts.filter((t) => GENERIC_LINK_TEXT.has(t.trim().toLowerCase()));
  if (generic.length) add("link_text", "info", `Generic link text: ${[...new Set(generic)].join(", ")}.`);
  const missingOg = ["og:title", "og:description", "og:image"].filter((k) => !p.og.has(k));
  if (missingOg.length) add("open_graph", "info", `Missing Open Graph: ${missingOg.join(", ")}.`);
  const found = courses(p.jsonLd);
  if (found.length === 0) add("structured_data", "info", "No schema.org Course structured data.");
  for (const c of found.filter((c) => c.missing.length))
    add("structured_data", "warning", `Course structured data lacks: ${c.missing.join(", ")}.`);
  const places = [title, p.h1Text.join(" "), description].map((s) => s.toLowerCase());
  for (const q of queries) {
    const absent = ["title", "h1", "description"].filter((_, i) => !places[i]!.includes(q));
    if (absent.length) add("query_coverage", "info", `Query "${q}" not in: ${absent.join(", ")}.`);
  }
  return f;
}

/** Whether robots.txt lets `agent` fetch `path`: the most specific group, longest matching rule wins. */
export function robotsAllows(robotsTxt: string, path: string, agent = AUDIT_USER_AGENT): boolean {
  const groups: { agents: string[]; rules: { allow: boolean; path: string }[] }[] = [];
  let current: (typeof groups)[number] | undefined;
  for (const raw of robotsTxt.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, "").trim();
    const [key, ...rest] = line.split(":");
    const value = rest.join(":").trim();
    const k = key?.trim().toLowerCase();
    if (k === "user-agent") {
      if (!current || current.rules.length) groups.push((current = { agents: [], rules: [] }));
      current.agents.push(value.toLowerCase());
    } else if ((k === "allow" || k === "disallow") && current) {
      if (value) current.rules.push({ allow: k === "allow", path: value });
    }
  }
  const mine = groups.filter((g) => g.agents.some((a) => a !== "*" && agent.toLowerCase().includes(a)));
  const rules = (mine.length ? mine : groups.filter((g) => g.agents.includes("*"))).flatMap((g) => g.rules);
  const matches = (rule: string) => {
    const pattern = rule
      .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\\\$$/, "$");
    return new RegExp(`^${pattern}`).test(path);
  };
  const best = rules
    .filter((r) => matches(r.path))
    .sort((a, b) => b.path.length - a.path.length || Number(b.allow) - Number(a.allow))[0];
  return best ? best.allow : true;
}

/** <loc> URLs of a sitemap or sitemap index. */
export function sitemapUrls(xml: string): { urls: string[]; isIndex: boolean } {
  const urls = [...xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/gi)].map((m) => m[1]!.replace(/&amp;/g, "&"));
  return { urls, isIndex: /<sitemapindex[\s>]/i.test(xml) };
}
