// The shared table: sortable columns (aria-sort), numbers right-aligned and formatted by kind, an
// empty state that says what to do next, and CSV export of exactly the rows shown, in their order.
import type { ComponentChildren } from "preact";
import { useMemo, useState } from "preact/hooks";
import { useFormat, useT } from "../context";
import type { Formatter } from "../format";
import { toCsv } from "../lib/csv";

export type ColumnKind = "text" | "number" | "money" | "percent" | "change";

export interface Column<Row> {
  key: string;
  label: string;
  /** The raw value: sorting and CSV use it. */
  value: (row: Row) => string | number | boolean | null | undefined;
  kind?: ColumnKind;
  /** What the cell shows (default: the value, formatted by kind). */
  render?: (row: Row) => ComponentChildren;
  sortable?: boolean;
}

export function formatCell(f: Formatter, kind: ColumnKind, v: unknown): string {
  if (v === null || v === undefined || v === "") return kind === "text" ? "" : f.number(null);
  if (typeof v !== "number") return String(v);
  switch (kind) {
    case "money":
      return f.money(v);
    case "percent":
      return f.percent(v);
    case "change":
      return f.change(v);
    default:
      return f.number(v);
  }
}

interface Props<Row> {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  /** File name for the CSV export (no extension); no export button without it. */
  exportName?: string;
  /** Shown instead of the table when there are no rows. */
  empty?: ComponentChildren;
  /** Show the caption to everyone (default: for screen readers only). */
  showCaption?: boolean;
  initialSort?: { key: string; dir: "asc" | "desc" };
}

export function DataTable<Row>(p: Props<Row>) {
  const t = useT();
  const f = useFormat();
  const [sort, setSort] = useState(p.initialSort ?? null);
  const rows = useMemo(() => {
    const col = sort && p.columns.find((c) => c.key === sort.key);
    if (!col || !sort) return p.rows;
    const dir = sort.dir === "asc" ? 1 : -1;
    return [...p.rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1; // missing values last, either way
      if (y === null || y === undefined) return -1;
      return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * dir;
    });
  }, [p.rows, p.columns, sort]);

  if (p.rows.length === 0 && p.empty) return <>{p.empty}</>;

  const exportCsv = () => {
    const csv = toCsv(
      p.columns.map((c) => ({ header: c.label, value: c.value })),
      rows,
    );
    downloadCsv(p.exportName!, csv);
  };
  const toggle = (key: string) =>
    setSort((s) => (s?.key === key ? { key, dir: s.dir === "asc" ? "desc" : "asc" } : { key, dir: "desc" }));

  return (
    <div class="table-block">
      {p.exportName && (
        <div class="table-tools">
          <button type="button" class="button small" onClick={exportCsv}>
            {t("table.export_csv")}
          </button>
        </div>
      )}
      <div class="table-scroll" tabIndex={0} role="region" aria-label={p.caption}>
        <table>
          <caption class={p.showCaption ? undefined : "visually-hidden"}>{p.caption}</caption>
          <thead>
            <tr>
              {p.columns.map((c) => {
                const numeric = c.kind && c.kind !== "text";
                const sorted = sort?.key === c.key ? (sort.dir === "asc" ? "ascending" : "descending") : undefined;
                return (
                  <th key={c.key} scope="col" class={numeric ? "num" : undefined} aria-sort={sorted}>
                    {c.sortable === false ? (
                      c.label
                    ) : (
                      <button type="button" class="sort" onClick={() => toggle(c.key)}>
                        {c.label}
                        <span aria-hidden="true" class="sort-mark">
                          {sorted === "ascending" ? "▲" : sorted === "descending" ? "▼" : ""}
                        </span>
                      </button>
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={p.rowKey(row)}>
                {p.columns.map((c, i) => {
                  const numeric = c.kind && c.kind !== "text";
                  const content = c.render ? c.render(row) : formatCell(f, c.kind ?? "text", c.value(row));
                  return i === 0 ? (
                    <th key={c.key} scope="row" class={numeric ? "num" : undefined}>
                      {content}
                    </th>
                  ) : (
                    <td key={c.key} class={numeric ? "num" : undefined}>
                      {content}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Saves `csv` as a file (a BOM first, so Excel reads the UTF-8 correctly). */
function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob(["\uFEFF", csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `${filename}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
