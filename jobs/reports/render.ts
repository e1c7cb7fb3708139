// The ROI email as HTML (tables and inline styles only: what Gmail, Outlook and Apple Mail all
// render; no scripts, no external CSS or images) and as plain text. Pure.
import type { Metrics, ReportData, Section } from "./data";

export const CHART_CIDS = { revenueCost: "revenue-cost@wayfind", roiByChannel: "roi-by-channel@wayfind" };

const escapeHtml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c]!);

export function formatters(currency: string) {
  const money = new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 2 });
  return {
    money: (n: number | null) => (n === null ? "–" : money.format(n)),
    ratio: (n: number | null) => (n === null ? "–" : n.toFixed(2)),
    count: (n: number | null) => (n === null ? "–" : (Math.round(n * 100) / 100).toLocaleString("en-US")),
    change: (now: number | null, before: number | null) => {
      if (now === null || before === null || before === 0) return "";
      const pct = ((now - before) / Math.abs(before)) * 100;
      return `${pct >= 0 ? "+" : ""}${pct.toFixed(0)}%`;
    },
  };
}

/** The headline figures, in the order the email shows them. */
export const TOTALS: [keyof Metrics, string, "money" | "ratio" | "count"][] = [
  ["revenue", "Revenue", "money"],
  ["cost", "Cost", "money"],
  ["roi", "ROI", "ratio"],
  ["roas", "ROAS", "ratio"],
  ["cac", "CAC", "money"],
  ["conversions", "Conversions", "count"],
  ["new_customers", "New learners", "count"],
];

export interface RenderOptions {
  title: string;
  sections: readonly Section[];
  unsubscribeUrl: string;
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

export function renderHtml(d: ReportData, o: RenderOptions): string {
  const f = formatters(d.site.currency);
  const show = (s: Section) => o.sections.includes(s);
  const parts: string[] = [];
  parts.push(
    `<h1 style="font-size:20px;margin:0 0 4px;color:#111827;">${escapeHtml(o.title)}</h1>`,
    `<p style="margin:0 0 16px;color:#6b7280;font-size:13px;">${escapeHtml(d.site.name)} · ${d.from} to ${d.to} · ${escapeHtml(d.model)} attribution · compared with ${d.previous.from} to ${d.previous.to}</p>`,
  );
  if (show("totals")) {
    const rows = TOTALS.map(([k, label, kind]) => {
      const now = d.totals[k] as number | null;
      const before = d.previousTotals[k] as number | null;
      return [label, f[kind](now), f[kind](before), f.change(now, before)];
    });
    parts.push(table(["", "This period", "Previous", "Change"], rows));
  }
  if (show("charts")) {
    parts.push(
      h2("Revenue and cost"),
      `<img src="cid:${CHART_CIDS.revenueCost}" width="600" alt="Revenue and cost per day" style="display:block;max-width:100%;height:auto;border:0;">`,
      h2("ROI by channel"),
      `<img src="cid:${CHART_CIDS.roiByChannel}" width="600" alt="ROI by channel" style="display:block;max-width:100%;height:auto;border:0;">`,
    );
  }
  if (show("channels") && d.channels.length > 0) {
    parts.push(
      h2("Channels by ROI"),
      table(
        ["Channel", "Revenue", "Cost", "ROI", "ROAS", "Conversions"],
        d.channels.map((c) => [
          c.channel,
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
      h2("Top campaigns"),
      table(
        ["Campaign", "Revenue", "Cost", "ROI"],
        d.campaigns.map((c) => [c.campaign, f.money(c.revenue), f.money(c.cost), f.ratio(c.roi)]),
      ),
    );
  }
  if (show("partners") && d.partners.length > 0) {
    parts.push(
      h2("Partners"),
      table(
        ["Partner", "Revenue", "Commissions", "ROI"],
        d.partners.map((p) => [p.partner, f.money(p.revenue), f.money(p.cost), f.ratio(p.roi)]),
      ),
    );
  }
  if (show("recommendations") && d.recommendations) {
    const r = d.recommendations;
    parts.push(
      h2("Recommendations"),
      table(
        ["", "This period"],
        [
          ["Clicks on recommendations", f.count(r.clicks)],
          ["Purchases from recommendations", f.count(r.purchases)],
          ["Revenue from recommendations", f.money(r.revenue)],
        ],
      ),
    );
  }
  if (show("movers") && d.movers.length > 0) {
    parts.push(
      h2("What moved most"),
      table(
        ["Channel", "Revenue", "Previous", "Change"],
        d.movers.map((m) => [
          m.channel,
          f.money(m.revenue),
          f.money(m.previous),
          `${m.change >= 0 ? "+" : ""}${f.money(m.change)}`,
        ]),
      ),
    );
  }
  if (d.issues.length > 0) {
    parts.push(
      `<p style="color:#b45309;font-size:12px;">Some amounts lack an exchange rate and are left out: ${escapeHtml(d.issues.map((i) => `${i.currency} on ${i.date}`).join(", "))}.</p>`,
    );
  }
  parts.push(
    `<p style="margin-top:28px;color:#9ca3af;font-size:11px;">Sent by Wayfind. <a href="${escapeHtml(o.unsubscribeUrl)}" style="color:#6b7280;">Unsubscribe</a> from this report.</p>`,
  );
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(o.title)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f3f4f6;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 8px;">` +
    `<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="max-width:640px;background:#ffffff;border-radius:8px;"><tr><td style="padding:24px 20px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#111827;">` +
    parts.join("") +
    `</td></tr></table></td></tr></table></body></html>`
  );
}

export function renderText(d: ReportData, o: RenderOptions): string {
  const f = formatters(d.site.currency);
  const show = (s: Section) => o.sections.includes(s);
  const lines = [
    o.title,
    `${d.site.name}, ${d.from} to ${d.to} (${d.model}), against ${d.previous.from} to ${d.previous.to}`,
    "",
  ];
  if (show("totals")) {
    for (const [k, label, kind] of TOTALS) {
      const now = d.totals[k] as number | null;
      const before = d.previousTotals[k] as number | null;
      lines.push(
        `${label}: ${f[kind](now)} (previous ${f[kind](before)}${f.change(now, before) ? `, ${f.change(now, before)}` : ""})`,
      );
    }
    lines.push("");
  }
  const list = (title: string, rows: string[]) => rows.length && lines.push(title, ...rows.map((r) => `  ${r}`), "");
  if (show("channels"))
    list(
      "Channels by ROI",
      d.channels.map(
        (c) => `${c.channel}: revenue ${f.money(c.revenue)}, cost ${f.money(c.cost)}, ROI ${f.ratio(c.roi)}`,
      ),
    );
  if (show("campaigns"))
    list(
      "Top campaigns",
      d.campaigns.map((c) => `${c.campaign}: revenue ${f.money(c.revenue)}, cost ${f.money(c.cost)}`),
    );
  if (show("partners"))
    list(
      "Partners",
      d.partners.map((p) => `${p.partner}: revenue ${f.money(p.revenue)}, commissions ${f.money(p.cost)}`),
    );
  if (show("recommendations") && d.recommendations) {
    list("Recommendations", [
      `${d.recommendations.clicks} clicks, ${d.recommendations.purchases} purchases, ${f.money(d.recommendations.revenue)}`,
    ]);
  }
  if (show("movers"))
    list(
      "What moved most",
      d.movers.map((m) => `${m.channel}: ${f.money(m.previous)} -> ${f.money(m.revenue)}`),
    );
  lines.push(`Unsubscribe: ${o.unsubscribeUrl}`);
  return lines.join("\n");
}
