// The on-page audit: fetch the site's sitemap.xml and top organic landing pages (own domains only,
// robots.txt respected, at most AUDIT_MAX_PAGES pages, one at a time AUDIT_DELAY_MS apart, each
// fetch cut off after AUDIT_FETCH_TIMEOUT_MS), read each page with HTMLRewriter, run the checks,
// and store the findings. `fetcher` is the global fetch in production and a fake site in tests.
import type { SiteDatabase } from "../../schema/databases";
import {
  AUDIT_DELAY_MS,
  AUDIT_FETCH_TIMEOUT_MS,
  AUDIT_MAX_PAGES,
  AUDIT_MAX_SITEMAPS,
  AUDIT_USER_AGENT,
  auditPage,
  countWords,
  hasCourseData,
  type PageFacts,
  robotsAllows,
  sitemapUrls,
} from "../../models/seo/audit";
import { pagePath } from "../../models/seo/imports";
import { replaceFindings, replacePages, type FindingRow, type PageRow } from "../../schema/queries/seo-audit";
import type { SiteScope } from "../../schema/queries/scope";
import { searchSums } from "../../schema/queries/seo";
import { addDays, utcDay } from "../../core/time";

export type Fetcher = (request: Request) => Promise<Response>;

export interface AuditSite {
  id: string;
  domain: string;
  allowedOrigins: string[];
}

/** Hosts the audit may fetch: the site's domain and its allowed origins' hosts. */
export function ownHosts(site: AuditSite): Set<string> {
  const hosts = new Set([site.domain.toLowerCase()]);
  for (const origin of site.allowedOrigins) {
    try {
      hosts.add(new URL(origin).host.toLowerCase());
    } catch (error) {
      console.warn("seo audit: an allowed origin is not a URL", { site: site.id, origin, error });
    }
  }
  return hosts;
}

async function get(fetcher: Fetcher, url: string): Promise<Response> {
  return fetcher(
    new Request(url, {
      headers: { "user-agent": AUDIT_USER_AGENT, accept: "text/html,application/xml" },
      redirect: "manual",
      signal: AbortSignal.timeout(AUDIT_FETCH_TIMEOUT_MS),
    }),
  );
}

/** One page's facts, read as the HTML streams past. */
export async function pageFacts(response: Response): Promise<PageFacts> {
  const f: PageFacts = {
    status: response.status,
    title: null,
    description: null,
    headings: [],
    h1Text: [],
    lang: null,
    canonical: null,
    hreflang: [],
    robots: null,
    imagesWithoutAlt: 0,
    linkTexts: [],
    og: new Set(),
    jsonLd: [],
    words: 0,
    hrefs: [],
  };
  let inScript = false;
  // Text arrives in chunks that may split a word: gathered whole, counted once at the end.
  let bodyText = "";
  let link: string | null = null;
  let script: string | null = null;
  let title: string | null = null;
  let h1: string | null = null;
  const rewriter = new HTMLRewriter()
    .on("html", { element: (e) => void (f.lang = e.getAttribute("lang")) })
    .on("title", {
      element: (e) => {
        title = "";
        e.onEndTag(() => void ((f.title = title), (title = null)));
      },
      text: (t) => void (title !== null && (title += t.text)),
    })
    .on("meta", {
      element: (e) => {
        const name = (e.getAttribute("name") ?? "").toLowerCase();
        const property = (e.getAttribute("property") ?? "").toLowerCase();
        const content = e.getAttribute("content");
        if (name === "description") f.description = content;
        if (name === "robots") f.robots = content;
        if (property.startsWith("og:") && content) f.og.add(property);
      },
    })
    .on("link", {
      element: (e) => {
        const rel = (e.getAttribute("rel") ?? "").toLowerCase().split(/\s+/);
        if (rel.includes("canonical")) f.canonical = e.getAttribute("href");
        const lang = e.getAttribute("hreflang");
        if (rel.includes("alternate") && lang) f.hreflang.push(lang);
      },
    })
    .on("h1, h2, h3, h4, h5, h6", {
      element: (e) => {
        const level = Number(e.tagName.slice(1));
        f.headings.push(level);
        if (level === 1) {
          h1 = "";
          e.onEndTag(() => void (f.h1Text.push(h1 ?? ""), (h1 = null)));
        }
      },
    })
    .on("h1", { text: (t) => void (h1 !== null && (h1 += t.text)) })
    .on("img", { element: (e) => void (e.getAttribute("alt")?.trim() || f.imagesWithoutAlt++) })
    .on("a[href]", {
      element: (e) => {
        f.hrefs.push(e.getAttribute("href") ?? "");
        link = "";
        e.onEndTag(() => void (f.linkTexts.push((link ?? "").trim()), (link = null)));
      },
      text: (t) => void (link !== null && (link += t.text)),
    })
    // Body text for the word count; scripts and styles are not words on the page.
    .on("body script, body style", {
      element: (e) => {
        inScript = true;
        e.onEndTag(() => void (inScript = false));
      },
    })
    .on("body", { text: (t) => void (inScript || (bodyText += t.text)) })
    .on('script[type="application/ld+json"]', {
      element: (e) => {
        script = "";
        e.onEndTag(() => void (f.jsonLd.push(script ?? ""), (script = null)));
      },
      text: (t) => void (script !== null && (script += t.text)),
    });
  await rewriter.transform(response).arrayBuffer();
  f.words = countWords(bodyText);
  return f;
}

/** Each audited page's ranking features; links in are counted from the other audited pages only. */
function pageRows(read: readonly { url: URL; facts: PageFacts }[], hosts: Set<string>): PageRow[] {
  const linksIn = new Map<string, number>();
  for (const { url, facts } of read) {
    const targets = new Set<string>();
    for (const href of facts.hrefs) {
      try {
        const target = new URL(href, url);
        if (hosts.has(target.host.toLowerCase())) targets.add(pagePath(target.pathname));
      } catch {
        continue; // Not a link we can resolve (javascript:, malformed): not an internal link.
      }
    }
    targets.delete(pagePath(url.pathname));
    for (const t of targets) linksIn.set(t, (linksIn.get(t) ?? 0) + 1);
  }
  return read.map(({ url, facts }) => ({
    path: pagePath(url.pathname),
    url: url.href,
    title: facts.title?.trim() ?? "",
    h1: facts.h1Text.join(" ").trim(),
    description: facts.description?.trim() ?? "",
    words: facts.words,
    linksIn: linksIn.get(pagePath(url.pathname)) ?? 0,
    structuredData: hasCourseData(facts.jsonLd),
  }));
}

/** An https URL on one of the site's own hosts. */
function isOwn(href: string, hosts: Set<string>): boolean {
  try {
    const url = new URL(href);
    return url.protocol === "https:" && hosts.has(url.host.toLowerCase());
  } catch {
    return false; // Not a URL: nothing to fetch.
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface AuditResult {
  pages: number;
  skipped: { url: string; reason: "robots" | "other_domain" | "limit" }[];
  findings: FindingRow[];
}

export async function auditSite(
  db: SiteDatabase,
  site: AuditSite,
  fetcher: Fetcher,
  now = Date.now(),
): Promise<AuditResult> {
  const scope: SiteScope = { siteId: site.id };
  const hosts = ownHosts(site);
  const base = `https://${site.domain}`;
  const skipped: AuditResult["skipped"] = [];
  // As Google reads robots.txt: a 4xx means no rules; unreachable or a 5xx means stay out entirely.
  const robotsRes = await get(fetcher, `${base}/robots.txt`).catch((error: unknown) => {
    console.warn("seo audit: robots.txt unreachable, fetching no pages", { site: site.id, error });
    return null;
  });
  const robots =
    robotsRes === null || robotsRes.status >= 500
      ? "User-agent: *\nDisallow: /\n"
      : robotsRes.ok
        ? await robotsRes.text()
        : "";

  // Candidate URLs: the sitemap (one index level), then the top landing pages by clicks.
  const candidates: string[] = [];
  const sitemaps = [`${base}/sitemap.xml`];
  for (let i = 0; i < sitemaps.length && i < AUDIT_MAX_SITEMAPS; i++) {
    // A sitemap index may name sitemaps anywhere: only the site's own are fetched.
    if (!isOwn(sitemaps[i]!, hosts)) {
      skipped.push({ url: sitemaps[i]!, reason: "other_domain" });
      continue;
    }
    const res = await get(fetcher, sitemaps[i]!).catch((error: unknown) => {
      console.warn("seo audit: sitemap fetch failed", { site: site.id, url: sitemaps[i], error });
      return null;
    });
    if (!res?.ok) continue;
    const { urls, isIndex } = sitemapUrls(await res.text());
    (isIndex ? sitemaps : candidates).push(...urls);
  }
  const { pages, pairs } = await searchSums(db, scope, addDays(utcDay(now), -28), utcDay(now));
  const top = [...pages, ...pairs].sort((a, b) => b.clicks - a.clicks);
  for (const r of top) candidates.push(r.page.startsWith("http") ? r.page : `${base}${pagePath(r.page)}`);
  // Each page's main queries: its five with the most clicks.
  const queriesOf = new Map<string, string[]>();
  for (const r of pairs.sort((a, b) => b.clicks - a.clicks)) {
    const list = queriesOf.get(pagePath(r.page)) ?? [];
    if (list.length < 5) queriesOf.set(pagePath(r.page), [...list, r.query]);
  }

  const seen = new Set<string>();
  const out: FindingRow[] = [];
  const read: { url: URL; facts: PageFacts }[] = [];
  let fetched = 0;
  for (const candidate of candidates) {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue; // Not a URL: nothing to fetch (sitemaps hold only absolute URLs).
    }
    url.hash = "";
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    if (!isOwn(url.href, hosts)) {
      skipped.push({ url: url.href, reason: "other_domain" });
      continue;
    }
    if (!robotsAllows(robots, url.pathname + url.search)) {
      skipped.push({ url: url.href, reason: "robots" });
      continue;
    }
    if (fetched >= AUDIT_MAX_PAGES) {
      skipped.push({ url: url.href, reason: "limit" });
      continue;
    }
    if (fetched > 0) await sleep(AUDIT_DELAY_MS);
    fetched++;
    let facts: PageFacts;
    try {
      facts = await pageFacts(await get(fetcher, url.href));
    } catch (error) {
      console.warn("seo audit: fetch failed", { site: site.id, url: url.href, error });
      out.push({ url: url.href, check: "status", severity: "error", message: `Fetch failed: ${String(error)}` });
      continue;
    }
    for (const f of auditPage(facts, queriesOf.get(pagePath(url.href)) ?? [])) out.push({ url: url.href, ...f });
    if (facts.status === 200) read.push({ url, facts });
  }
  await replaceFindings(db, scope, out, now);
  await replacePages(db, scope, pageRows(read, hosts), now);
  return { pages: fetched, skipped, findings: out };
}
