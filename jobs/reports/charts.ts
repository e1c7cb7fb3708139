// The report's charts as SVG (rendered to PNG by png.ts): revenue and cost per day, and ROI by
// channel. Pure; sizes are in CSS pixels and the PNG is rendered at twice that for sharp screens.

export const COLORS = {
  revenue: "#2563eb",
  cost: "#f97316",
  positive: "#16a34a",
  negative: "#dc2626",
  grid: "#e5e7eb",
};
const FONT = `font-family="DejaVu Sans" fill="#374151"`;

const escapeXml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);

/** A round axis maximum and step: 0, 250, 500... */
export function niceScale(max: number, ticks = 4): { max: number; step: number } {
  if (max <= 0) return { max: 1, step: 0.25 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  return { max: step * ticks, step };
}

const compact = (n: number) =>
  Math.abs(n) >= 1e6
    ? `${+(n / 1e6).toFixed(1)}M`
    : Math.abs(n) >= 1e3
      ? `${+(n / 1e3).toFixed(1)}k`
      : `${+n.toFixed(2)}`;

export function revenueCostSvg(daily: { day: string; revenue: number; cost: number }[], currency: string): string {
  const width = 600;
  const height = 260;
  const left = 56;
  const right = 12;
  const top = 36;
  const bottom = 36;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const { max, step } = niceScale(Math.max(0, ...daily.flatMap((d) => [d.revenue, d.cost])));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const slot = plotW / Math.max(1, daily.length);
  const bar = Math.max(1, Math.min(24, (slot - 4) / 2));
  const parts: string[] = [];
  for (let v = 0; v <= max + step / 2; v += step) {
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}" stroke="${COLORS.grid}"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end" ${FONT}>${compact(v)}</text>`);
  }
  const labelEvery = Math.ceil(daily.length / 8);
  daily.forEach((d, i) => {
    const x = left + i * slot + slot / 2;
    parts.push(
      `<rect x="${x - bar}" y="${y(d.revenue)}" width="${bar}" height="${y(0) - y(d.revenue)}" fill="${COLORS.revenue}"/>`,
      `<rect x="${x}" y="${y(d.cost)}" width="${bar}" height="${y(0) - y(d.cost)}" fill="${COLORS.cost}"/>`,
    );
    if (i % labelEvery === 0) {
      parts.push(
        `<text x="${x}" y="${height - bottom + 16}" font-size="11" text-anchor="middle" ${FONT}>${d.day.slice(5)}</text>`,
      );
    }
  });
  const legend = (x: number, color: string, label: string) =>
    `<rect x="${x}" y="10" width="12" height="12" fill="${color}"/><text x="${x + 17}" y="20" font-size="12" ${FONT}>${label}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    legend(left, COLORS.revenue, `Revenue (${escapeXml(currency)})`) +
    legend(left + 150, COLORS.cost, `Cost (${escapeXml(currency)})`) +
    parts.join("") +
    `</svg>`
  );
}

export function roiByChannelSvg(channels: { channel: string; roi: number | null }[]): string {
  const rows = channels.filter((c): c is { channel: string; roi: number } => c.roi !== null).slice(0, 12);
  const width = 600;
  const rowH = 28;
  const top = 16;
  const height = top * 2 + Math.max(1, rows.length) * rowH;
  const labelW = 170;
  const plotW = width - labelW - 70;
  const lo = Math.min(0, ...rows.map((r) => r.roi));
  const hi = Math.max(0, ...rows.map((r) => r.roi));
  const span = hi - lo || 1;
  const x = (v: number) => labelW + ((v - lo) / span) * plotW;
  const parts = rows.map((r, i) => {
    const yy = top + i * rowH;
    const x0 = x(Math.min(0, r.roi));
    const w = Math.max(1, Math.abs(x(r.roi) - x(0)));
    const color = r.roi >= 0 ? COLORS.positive : COLORS.negative;
    return (
      `<text x="${labelW - 8}" y="${yy + 18}" font-size="12" text-anchor="end" ${FONT}>${escapeXml(r.channel)}</text>` +
      `<rect x="${x0}" y="${yy + 5}" width="${w}" height="${rowH - 10}" fill="${color}" rx="2"/>` +
      `<text x="${x(Math.max(0, r.roi)) + 6}" y="${yy + 18}" font-size="12" ${FONT}>${r.roi.toFixed(2)}</text>`
    );
  });
  if (rows.length === 0) {
    parts.push(
      `<text x="${width / 2}" y="${top + 18}" font-size="12" text-anchor="middle" ${FONT}>No channel had costs in this period.</text>`,
    );
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<line x1="${x(0)}" x2="${x(0)}" y1="${top - 4}" y2="${height - top + 4}" stroke="#9ca3af"/>` +
    parts.join("") +
    `</svg>`
  );
}
