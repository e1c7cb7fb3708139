// Importing a CSV into the API (ad spend, exchange rates): paste or choose a file, see a preview
// of every line, send; lines the API refuses stay in the table with their messages next to the
// cell at fault, and the good lines land (the API imports what validates).
import { useId, useMemo, useState } from "preact/hooks";
import { ApiError } from "../api/client";
import type { ImportResult } from "../api/analysis-types";
import { useApiClient, useFormat, useSite, useT } from "../context";
import { type CsvLine, issuesByRow, parseCsv, present } from "../lib/csv-import";
import { type Column, DataTable } from "./DataTable";
import { Notice } from "./ui";

type Problems = Map<number, { field: string; message: string }[]>;

interface Props {
  /** POST endpoint taking {rows: [...]}. */
  endpoint: string;
  /** The columns the endpoint reads (shown as the expected header). */
  columns: readonly string[];
  example: string;
  exportName: string;
  /** Called after rows were imported (to refresh reports). */
  onImported?: () => void;
}

export function CsvImport({ endpoint, columns, example, exportName, onImported }: Props) {
  const t = useT();
  const f = useFormat();
  const id = useId();
  const api = useApiClient();
  const { siteId } = useSite();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ imported: number; problems: Problems; error?: string } | null>(null);
  const parsed = useMemo(() => (text.trim() ? parseCsv(text) : null), [text]);
  const unknown = parsed ? parsed.columns.filter((c) => !columns.includes(c)) : [];

  const choose = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    setText(await file.text());
    setResult(null);
  };
  const send = async () => {
    if (!parsed) return;
    setBusy(true);
    try {
      const rows = parsed.lines.map((l) => present(l.values));
      const res = await api.send<ImportResult>("POST", endpoint, { rows }, { site_id: siteId });
      const problems: Problems = new Map();
      for (const r of res.rejected)
        if (r.index !== undefined) problems.set(r.index, issuesByRow(r.issues, "rows").get(r.index) ?? []);
      setResult({ imported: res.imported, problems });
      if (res.imported > 0) onImported?.();
    } catch (err) {
      if (err instanceof ApiError)
        setResult({ imported: 0, problems: issuesByRow(err.issues, "rows"), error: err.message });
      else {
        console.error("import failed", err);
        setResult({ imported: 0, problems: new Map(), error: t("errors.unexpected") });
      }
    } finally {
      setBusy(false);
    }
  };

  type Row = CsvLine & { index: number };
  const rows: Row[] = parsed ? parsed.lines.map((l, index) => ({ ...l, index })) : [];
  const problemsOf = (r: Row) => result?.problems.get(r.index) ?? [];
  const shown = parsed ? parsed.columns : [];
  const tableColumns: Column<Row>[] = [
    { key: "line", label: t("import.line"), kind: "number", value: (r) => r.line },
    ...shown.map((c) => ({
      key: `c:${c}`,
      label: c,
      value: (r: Row) => r.values[c] ?? "",
      render: (r: Row) => {
        const msgs = problemsOf(r).filter((p) => p.field === c);
        return msgs.length === 0 ? (
          (r.values[c] ?? "")
        ) : (
          <span class="cell-invalid">
            {r.values[c] ?? ""}
            {msgs.map((m, i) => (
              <span key={i} class="field-error">
                {m.message}
              </span>
            ))}
          </span>
        );
      },
    })),
    {
      key: "status",
      label: t("import.status"),
      value: (r) =>
        !result
          ? t("import.pending")
          : problemsOf(r).length
            ? problemsOf(r)
                .map((p) => t("common.labelled", { label: p.field || t("import.row"), value: p.message }))
                .join("; ")
            : result.error
              ? t("import.not_sent")
              : t("import.imported_line"),
      render: (r) => {
        const problems = problemsOf(r);
        if (!result) return t("import.pending");
        if (problems.length === 0) return result.error ? t("import.not_sent") : t("import.imported_line");
        return (
          <span class="field-error" data-line-error={r.line}>
            {t("import.line_refused", { line: r.line })}{" "}
            {problems
              .map((p) => t("common.labelled", { label: p.field || t("import.row"), value: p.message }))
              .join("; ")}
          </span>
        );
      },
    },
  ];

  return (
    <div class="csv-import">
      <p class="hint">{t("import.expected", { columns: columns.join(", ") })}</p>
      <div class="field">
        <label for={`${id}-file`}>{t("import.file")}</label>
        <input id={`${id}-file`} type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void choose(e)} />
      </div>
      <div class="field">
        <label for={`${id}-text`}>{t("import.paste")}</label>
        <textarea
          id={`${id}-text`}
          rows={5}
          value={text}
          placeholder={example}
          spellcheck={false}
          onInput={(e) => {
            setText((e.currentTarget as HTMLTextAreaElement).value);
            setResult(null);
          }}
        />
      </div>
      {unknown.length > 0 && (
        <Notice kind="warning">{t("import.unknown_columns", { columns: unknown.join(", ") })}</Notice>
      )}
      {result && (
        <Notice kind={result.error ? "error" : result.problems.size ? "warning" : "success"}>
          {result.error
            ? t("import.failed", { message: result.error })
            : t("import.done", { imported: f.number(result.imported), refused: f.number(result.problems.size) })}
        </Notice>
      )}
      {parsed && (
        <>
          <DataTable
            caption={t("import.preview")}
            showCaption
            columns={tableColumns}
            rows={rows}
            rowKey={(r) => String(r.index)}
            exportName={exportName}
          />
          <button type="button" class="button primary" disabled={busy || rows.length === 0} onClick={() => void send()}>
            {t("import.send", { count: rows.length })}
          </button>
        </>
      )}
    </div>
  );
}
