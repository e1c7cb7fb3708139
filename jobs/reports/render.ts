// The ROI email as HTML (tables and inline styles only: what Gmail, Outlook and Apple Mail all
// render; no scripts, no external CSS or images) and as plain text. Pure.
import { channelName } from "../../core/channels";
import { formatCount, formatDay, formatMoney } from "../../core/format";
import { asLocale, type Locale, type MessageKey, t } from "../../core/messages";
import type { Metrics, ReportData, Section } from "./data";

export const CHART_CIDS = { revenueCost: "revenue-cost@wayfind", roiByChannel: "roi-by-channel@wayfind" };

const escapeHtml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The recipients' language: the subscription's (or alert rule's), else the site's. */
export const readerLocale = (site: { locale: string }, list: { language: Locale | null }): Locale =>
  list.language ?? asLocale(site.locale);

/** Formatters for one email: money with the currency's narrow symbol, counts and days in the reader's locale. */
export function formatters(currency: string, locale: Locale = "en") {
  return {
    money: (n: number | null) => formatMoney(locale, currency, n),
    ratio: (n: number | null) => (n === null ? "–" : n.toFixed(2)),
    count: (n: number | null) => formatCount(locale, n === null ? null : Math.round(n * 100) / 100),
    day: (day: string) => formatDay(locale, day),
    channel: (channel: string) => channelName(locale, channel),
    change: (now: number | null, before: number | null) => {
      if (now === null || before === null || before === 0) return "";
      const pct = ((now - before) / Math.abs(before)) * 100;
      return `${pct >= 0 ? "+" : ""}${pct.toFixed(0)}%`;
    },
  };
}

/** The headline figures, in the order the email shows them. */
export const TOTALS: [keyof Metrics & MetricLabel, "money" | "ratio" | "count"][] = [
  ["revenue", "money"],
  ["cost", "money"],
  ["roi", "ratio"],
  ["roas", "ratio"],
  ["cac", "money"],
  ["conversions", "count"],
  ["new_customers", "count"],
];
type MetricLabel = "revenue" | "cost" | "roi" | "roas" | "cac" | "conversions" | "new_customers";

export interface RenderOptions {
  title: string;
  sections: readonly Section[];
  unsubscribeUrl: string;
  /** The reader's language; English when absent. */
  locale?: Locale;
}

const cell = "padding:6px 10px;border-bottom:1px solid #e5e7eb;font-size:13px;";
const head = "padding:6px 10px;border-bottom:2px solid #d1d5db;font-size:12px;color:#6b7280;text-align:left;";

function table(columns: string[], rows: string[][]): string {
  const th = columns.map((c, i) => `<th style="${head}${i ? "text-align:right;" : ""}">${escapeHtml(c)}</th>`).join("");
  const trs = rows
    .map(
      (r) =>
        `<tr>${r.map((v, i) => `<td style="${cell}${i ? "text-align:right;" : ""}">${escapeHtml(v)}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;margin:8px 0 20px;"><tr>${th}</tr>${trs}</table>`;
}

const h2 = (text: string) => `<h2 style="font-size:16px;margin:24px 0 4px;color:#111827;">${escapeHtml(text)}</h2>`;

/** The period line's parameters: dates as the reader writes them. */
function periodParams(d: ReportData, f: ReturnType<typeof formatters>) {
  return {
    site: d.site.name,
    from: f.day(d.from),
    to: f.day(d.to),
    model: d.model,
    previousFrom: f.day(d.previous.from),
    previousTo: f.day(d.previous.to),
  };
}

const metricLabel = (l: Locale, k: MetricLabel) => t(l, `report.metric.${k}` as MessageKey);

const courseReasons = (l: Locale, reasons: readonly string[]) =>
  reasons.map((r) => t(l, `report.course.${r}` as MessageKey)).join(t(l, "report.listSeparator"));

export function renderHtml(d: ReportData, o: RenderOptions): string {
  const l = o.locale ?? "en";
  const f = formatters(d.site.currency, l);
  const m = (k: MetricLabel) => metricLabel(l, k);
  const show = (s: Section) => o.sections.includes(s);
  const parts: string[] = [];
  parts.push(
    `<h1 style="font-size:20px;margin:0 0 4px;color:#111827;">${escapeHtml(o.title)}</h1>`,
    `<p style="margin:0 0 16px;color:#6b7280;font-size:13px;">${escapeHtml(t(l, "report.subtitle", periodParams(d, f)))}</p>`,
  );
  if (show("totals")) {
    const rows = TOTALS.map(([k, kind]) => {
      const now = d.totals[k] as number | null;
      const before = d.previousTotals[k] as number | null;
      return [m(k), f[kind](now), f[kind](before), f.change(now, before)];
    });
    parts.push(
      table(["", t(l, "report.column.thisPeriod"), t(l, "report.column.previous"), t(l, "report.column.change")], rows),
    );
  }
  if (show("charts")) {
    // The PNGs are drawn with DejaVu Sans (no CJK glyphs): their labels stay English keys and
    // numbers; the headings and alt text around them, and the tables, are in the reader's language.
    parts.push(
      h2(t(l, "report.heading.revenueCost")),
      `<img src="cid:${CHART_CIDS.revenueCost}" width="600" alt="${escapeHtml(t(l, "report.chart.revenueCostAlt"))}" style="display:block;max-width:100%;height:auto;border:0;">`,
      h2(t(l, "report.heading.roiByChannel")),
      `<img src="cid:${CHART_CIDS.roiByChannel}" width="600" alt="${escapeHtml(t(l, "report.heading.roiByChannel"))}" style="display:block;max-width:100%;height:auto;border:0;">`,
    );
  }
  if (show("channels") && d.channels.length > 0) {
    parts.push(
      h2(t(l, "report.heading.channels")),
      table(
        [t(l, "report.column.channel"), m("revenue"), m("cost"), m("roi"), m("roas"), m("conversions")],
        d.channels.map((c) => [
          f.channel(c.channel),
          f.money(c.revenue),
          f.money(c.cost),
          f.ratio(c.roi),
          f.ratio(c.roas),
          f.count(c.conversions),
        ]),
      ),
    );
  }
  if (show("campaigns") && d.campaigns.length > 0) {
    parts.push(
      h2(t(l, "report.heading.campaigns")),
      table(
        [t(l, "report.column.campaign"), m("revenue"), m("cost"), m("roi")],
        d.campaigns.map((c) => [c.campaign, f.money(c.revenue), f.money(c.cost), f.ratio(c.roi)]),
      ),
    );
  }
  if (show("partners") && d.partners.length > 0) {
    parts.push(
      h2(t(l, "report.heading.partners")),
      table(
        [t(l, "report.column.partner"), m("revenue"), t(l, "report.column.commissions"), m("roi")],
        d.partners.map((p) => [p.partner, f.money(p.revenue), f.money(p.cost), f.ratio(p.roi)]),
      ),
    );
  }
  if (show("recommendations") && d.recommendations) {
    const r = d.recommendations;
    parts.push(
      h2(t(l, "report.heading.recommendations")),
      table(
        ["", t(l, "report.column.thisPeriod")],
        [
          [t(l, "report.recommendations.clicks"), f.count(r.clicks)],
          [t(l, "report.recommendations.purchases"), f.count(r.purchases)],
          [t(l, "report.recommendations.revenue"), f.money(r.revenue)],
        ],
      ),
    );
  }
  if (show("movers") && d.movers.length > 0) {
    parts.push(
      h2(t(l, "report.heading.movers")),
      table(
        [t(l, "report.column.channel"), m("revenue"), t(l, "report.column.previous"), t(l, "report.column.change")],
        d.movers.map((mv) => [
          f.channel(mv.channel),
          f.money(mv.revenue),
          f.money(mv.previous),
          `${mv.change >= 0 ? "+" : ""}${f.money(mv.change)}`,
        ]),
      ),
    );
  }
  if (show("experiments") && d.experiments.length > 0) {
    for (const x of d.experiments)
      parts.push(
        h2(t(l, "report.heading.experiment", { name: x.name, metric: x.metric })),
        table(
          [
            t(l, "report.column.variant"),
            t(l, "report.column.units"),
            t(l, "report.column.mean"),
            t(l, "report.column.effect"),
          ],
          x.variants.map((v, i) => {
            const e = i === 0 ? null : x.effects[i - 1]!;
            return [
              v.key,
              f.count(v.units),
              f.ratio(v.mean),
              e ? experimentEffect(e, l) : t(l, "report.experiment.control"),
            ];
          }),
        ),
        ...(x.srmWarning
          ? [`<p style="color:#b45309;font-size:12px;">${escapeHtml(t(l, "report.experiment.srm"))}</p>`]
          : []),
      );
  }
  if (show("seo") && d.seo) {
    parts.push(
      h2(t(l, "report.heading.seo")),
      `<p style="margin:0 0 8px;font-size:13px;">${escapeHtml(t(l, "report.seo.audit", { errors: d.seo.errors, warnings: d.seo.warnings }))}</p>`,
    );
    if (d.seo.opportunities.length > 0)
      parts.push(
        `<p style="margin:0 0 8px;font-size:13px;">${escapeHtml(t(l, "report.seo.opportunities"))}</p>`,
        table(
          [t(l, "report.column.query"), t(l, "report.column.page"), t(l, "report.column.worth")],
          d.seo.opportunities.map((o) => [o.query, o.page, f.money(o.value)]),
        ),
      );
  }
  if (show("courses") && d.courses.length > 0) {
    parts.push(
      h2(t(l, "report.heading.courses")),
      table(
        [t(l, "report.column.course"), t(l, "report.column.reasons"), t(l, "report.column.atStake")],
        d.courses.map((c) => [c.name, courseReasons(l, c.reasons), f.money(c.revenueAtStake)]),
      ),
    );
  }
  if (d.issues.length > 0) {
    const list = d.issues
      .map((i) => t(l, "report.issue", { currency: i.currency, date: f.day(i.date) }))
      .join(t(l, "report.listSeparator"));
    parts.push(`<p style="color:#b45309;font-size:12px;">${escapeHtml(t(l, "report.issues", { list }))}</p>`);
  }
  parts.push(
    `<p style="margin-top:28px;color:#9ca3af;font-size:11px;">${escapeHtml(t(l, "report.footer.sentBy"))}<a href="${escapeHtml(o.unsubscribeUrl)}" style="color:#6b7280;">${escapeHtml(t(l, "report.footer.unsubscribe"))}</a>${escapeHtml(t(l, "report.footer.after"))}</p>`,
  );
  return (
    `<!DOCTYPE html><html lang="${l}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(o.title)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f3f4f6;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 8px;">` +
    `<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="max-width:640px;background:#ffffff;border-radius:8px;"><tr><td style="padding:24px 20px;font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',Helvetica,Arial,sans-serif;color:#111827;">` +
    parts.join("") +
    `</td></tr></table></td></tr></table></body></html>`
  );
}

export function renderText(d: ReportData, o: RenderOptions): string {
  const l = o.locale ?? "en";
  const f = formatters(d.site.currency, l);
  const show = (s: Section) => o.sections.includes(s);
  const lines = [o.title, t(l, "report.subtitle.text", periodParams(d, f)), ""];
  if (show("totals")) {
    for (const [k, kind] of TOTALS) {
      const now = d.totals[k] as number | null;
      const before = d.previousTotals[k] as number | null;
      const change = f.change(now, before);
      lines.push(
        t(l, "report.text.total", {
          label: metricLabel(l, k),
          now: f[kind](now),
          before: f[kind](before),
          change: change ? t(l, "report.text.change", { change }) : "",
        }),
      );
    }
    lines.push("");
  }
  const list = (title: MessageKey, rows: string[]) =>
    rows.length && lines.push(t(l, title), ...rows.map((r) => `  ${r}`), "");
  if (show("channels"))
    list(
      "report.heading.channels",
      d.channels.map((c) =>
        t(l, "report.text.channel", {
          channel: f.channel(c.channel),
          revenue: f.money(c.revenue),
          cost: f.money(c.cost),
          roi: f.ratio(c.roi),
        }),
      ),
    );
  if (show("campaigns"))
    list(
      "report.heading.campaigns",
      d.campaigns.map((c) =>
        t(l, "report.text.campaign", { campaign: c.campaign, revenue: f.money(c.revenue), cost: f.money(c.cost) }),
      ),
    );
  if (show("partners"))
    list(
      "report.heading.partners",
      d.partners.map((p) =>
        t(l, "report.text.partner", { partner: p.partner, revenue: f.money(p.revenue), cost: f.money(p.cost) }),
      ),
    );
  if (show("recommendations") && d.recommendations) {
    const r = d.recommendations;
    list("report.heading.recommendations", [
      t(l, "report.recommendations.text", { clicks: r.clicks, purchases: r.purchases, revenue: f.money(r.revenue) }),
    ]);
  }
  if (show("movers"))
    list(
      "report.heading.movers",
      d.movers.map((m) =>
        t(l, "report.text.mover", {
          channel: f.channel(m.channel),
          previous: f.money(m.previous),
          revenue: f.money(m.revenue),
        }),
      ),
    );
  if (show("experiments"))
    for (const x of d.experiments)
      list(
        "report.heading.experiments",
        x.variants.map((v, i) => {
          const e = i === 0 ? null : x.effects[i - 1]!;
          return `${x.name} ${v.key}: ${f.count(v.units)} / ${f.ratio(v.mean)} / ${e ? experimentEffect(e, l) : t(l, "report.experiment.control")}`;
        }),
      );
  if (show("seo") && d.seo) {
    const seo = d.seo;
    list("report.heading.seo", [
      t(l, "report.seo.audit", { errors: seo.errors, warnings: seo.warnings }),
      ...seo.opportunities.map((o) =>
        t(l, "report.text.seoOpportunity", {
          query: o.query,
          page: o.page,
          position: o.position,
          value: f.money(o.value),
        }),
      ),
    ]);
  }
  if (show("courses"))
    list(
      "report.heading.courses",
      d.courses.map((c) =>
        t(l, "report.text.course", {
          name: c.name,
          reasons: courseReasons(l, c.reasons),
          stake: f.money(c.revenueAtStake),
        }),
      ),
    );
  lines.push(t(l, "report.text.unsubscribe", { url: o.unsubscribeUrl }));
  return lines.join("\n");
}

/** "+12.3% (−1.0% to +25.6%), p = 0.04" or a dash before there is enough data. */
function experimentEffect(e: { effect: number | null; ci: [number, number] | null; pValue: number | null }, l: Locale) {
  if (e.effect === null || e.ci === null || e.pValue === null) return "–";
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
  return t(l, "report.experiment.effect", {
    effect: pct(e.effect),
    low: pct(e.ci[0]),
    high: pct(e.ci[1]),
    p: e.pValue.toFixed(3),
  });
}
