// The Markov chain over conversion paths the reader uploads (CSV with path, total_conversions,
// total_conversion_value, total_null, as ChannelAttribution reads): POST /api/v1/attribution, every
// model's credit per channel, and the chain's transition probabilities as a Sankey. The chain has
// cycles (a → b → a), and a Sankey cannot, so it is drawn as "from" states on the left and "to"
// states on the right: one band per transition, its width the probability.
import type { EChartsCoreOption } from "echarts/core";
import { useId, useMemo, useState } from "preact/hooks";
import type { AttributionResult, Credit } from "../../api/analysis-types";
import { ApiError } from "../../api/client";
import { Chart } from "../../components/Chart";
import { type Column, DataTable } from "../../components/DataTable";
import { Card, EmptyState, Kpi, Notice } from "../../components/ui";
import { useApiClient, useFormat, useT } from "../../context";
import type { Formatter } from "../../format";
import { issuesByRow, parseCsv, present } from "../../lib/csv-import";
import { ATTRIBUTION_MODELS, channelLabel } from "../../lib/metrics";

const EXAMPLE =
  "path,total_conversions,total_conversion_value,total_null\nbaidu > wechat,12,5988,40\nbilibili,5,2495,60";

interface Transition {
  from: string;
  to: string;
  probability: number;
}

export function MarkovPaths() {
  const t = useT();
  const id = useId();
  const api = useApiClient();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AttributionResult | null>(null);
  const [error, setError] = useState<{ message: string; lines: string[] } | null>(null);

  const run = async () => {
    const parsed = parseCsv(text);
    const paths = parsed.lines.map((l) => present(l.values));
    setBusy(true);
    setError(null);
    try {
      setResult(await api.send<AttributionResult>("POST", "/api/v1/attribution", { paths }));
    } catch (err) {
      setResult(null);
      const byRow = err instanceof ApiError ? issuesByRow(err.issues, "paths") : new Map();
      setError({
        message: err instanceof ApiError ? err.message : t("errors.unexpected"),
        lines: [...byRow].map(
          ([i, list]) =>
            t("import.line_refused", { line: parsed.lines[i]?.line ?? i + 2 }) +
            " " +
            list.map((p: { field: string; message: string }) => `${p.field}: ${p.message}`).join("; "),
        ),
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t("attribution.markov.title")}>
      <p>{t("attribution.markov.intro")}</p>
      <div class="field">
        <label for={`${id}-file`}>{t("import.file")}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".csv,text/csv,text/plain"
          onChange={async (e) => {
            const file = (e.currentTarget as HTMLInputElement).files?.[0];
            if (file) setText(await file.text());
          }}
        />
      </div>
      <div class="field">
        <label for={`${id}-text`}>{t("attribution.markov.paths")}</label>
        <textarea
          id={`${id}-text`}
          rows={5}
          value={text}
          placeholder={EXAMPLE}
          spellcheck={false}
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </div>
      <div class="form-actions">
        <button type="button" class="button primary" disabled={busy || !text.trim()} onClick={() => void run()}>
          {t("attribution.markov.run")}
        </button>
        <button type="button" class="button" onClick={() => setText(EXAMPLE)}>
          {t("attribution.markov.use_example")}
        </button>
      </div>
      {error && (
        <Notice kind="error">
          <p>{error.message}</p>
          {error.lines.length > 0 && (
            <ul>
              {error.lines.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      {result ? (
        <MarkovResult result={result} />
      ) : (
        !error && (
          <EmptyState title={t("attribution.markov.empty")}>
            <p>{t("attribution.markov.empty_next")}</p>
          </EmptyState>
        )
      )}
    </Card>
  );
}

function MarkovResult({ result }: { result: AttributionResult }) {
  const t = useT();
  const f = useFormat();
  type Ch = AttributionResult["channels"][number];
  const credit = (r: Ch, m: string) => (r[m] as Credit | undefined)?.conversions ?? null;
  const channelColumns: Column<Ch>[] = [
    {
      key: "channel",
      label: t("dimensions.channel"),
      value: (r) => r.channel,
      render: (r) => channelLabel(t, r.channel),
    },
    ...ATTRIBUTION_MODELS.map((m) => ({
      key: m,
      label: t(`models.${m}`),
      kind: "number" as const,
      value: (r: Ch) => credit(r, m),
    })),
    {
      key: "removal_effect",
      label: t("attribution.markov.removal_effect"),
      kind: "percent",
      value: (r) => (r.markov as Credit | undefined)?.removal_effect ?? null,
    },
  ];
  return (
    <>
      {result.rejected.length > 0 && (
        <Notice kind="warning">
          <p>{t("attribution.markov.rejected", { count: result.rejected.length })}</p>
          <ul>
            {result.rejected.map((r) => (
              <li key={r.index}>
                {t("import.line_refused", { line: (r.index ?? 0) + 2 })} {r.issues.map((i) => i.message).join("; ")}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      <dl class="kpis">
        <Kpi
          id="paths"
          label={t("attribution.markov.total_paths")}
          value={f.number(result.totals.paths)}
          raw={result.totals.paths}
        />
        <Kpi
          id="markov-conversions"
          label={t("metrics.conversions")}
          value={f.number(result.totals.conversions)}
          raw={result.totals.conversions}
        />
        {result.markov && (
          <Kpi
            id="conversion_probability"
            label={t("attribution.markov.conversion_probability")}
            value={f.percent(result.markov.conversion_probability)}
            raw={result.markov.conversion_probability}
          />
        )}
      </dl>
      <DataTable
        caption={t("attribution.markov.credit")}
        showCaption
        columns={channelColumns}
        rows={result.channels}
        rowKey={(r) => r.channel}
        exportName="attribution-paths-credit"
      />
      {result.markov && (
        <Transitions
          matrix={result.markov.transition_matrix}
          caption={t("attribution.markov.transitions")}
          exportName="markov-transitions-paths"
          stateLabel={(s) => channelLabel(t, s)}
        />
      )}
    </>
  );
}

/** A chain's transitions as a Sankey (from states → next states) and a table of the same figures. */
export function Transitions({
  matrix,
  caption,
  exportName,
  stateLabel = (s) => s,
}: {
  matrix: Record<string, Record<string, number>>;
  caption: string;
  exportName: string;
  /** A state as the reader calls it (channels in the UI language); the CSV keeps the API's names. */
  stateLabel?: (state: string) => string;
}) {
  const t = useT();
  const f = useFormat();
  const transitions = useMemo<Transition[]>(
    () =>
      Object.entries(matrix).flatMap(([from, row]) =>
        Object.entries(row).map(([to, probability]) => ({ from, to, probability })),
      ),
    [matrix],
  );
  const option = useMemo(
    () =>
      transitionsOption(
        transitions.map((x) => ({ ...x, from: stateLabel(x.from), to: stateLabel(x.to) })),
        t("attribution.markov.to_suffix"),
        f,
      ),
    // stateLabel is a new function each render but follows only t and the matrix's dimension.
    [transitions, t, f],
  );
  const columns: Column<Transition>[] = [
    { key: "from", label: t("attribution.markov.from"), value: (r) => r.from, render: (r) => stateLabel(r.from) },
    { key: "to", label: t("attribution.markov.to"), value: (r) => r.to, render: (r) => stateLabel(r.to) },
    { key: "probability", label: t("attribution.markov.probability"), kind: "percent", value: (r) => r.probability },
  ];
  if (transitions.length === 0) return null;
  return (
    <>
      <Chart option={option} label={t("attribution.markov.sankey")} types={["sankey"]} height={420} />
      <DataTable
        caption={caption}
        showCaption
        columns={columns}
        rows={transitions}
        rowKey={(r) => `${r.from}\u0000${r.to}`}
        exportName={exportName}
        initialSort={{ key: "probability", dir: "desc" }}
      />
    </>
  );
}

function transitionsOption(transitions: Transition[], toSuffix: string, f: Formatter): EChartsCoreOption {
  // Left: states as "from"; right: the same names as "to" (a suffix keeps the two nodes apart).
  const left = [...new Set(transitions.map((x) => x.from))];
  const right = [...new Set(transitions.map((x) => x.to))];
  const toNode = (s: string) => `${s} ${toSuffix}`;
  return {
    tooltip: {
      trigger: "item",
      formatter: (p: {
        dataType: string;
        data: { source?: string; target?: string; name?: string; value?: number };
      }) =>
        p.dataType === "edge" ? `${p.data.source} → ${p.data.target}: ${f.percent(p.data.value)}` : (p.data.name ?? ""),
    },
    series: [
      {
        type: "sankey",
        left: 8,
        right: 140,
        emphasis: { focus: "adjacency" },
        data: [...left.map((name) => ({ name, depth: 0 })), ...right.map((name) => ({ name: toNode(name), depth: 1 }))],
        links: transitions.map((x) => ({ source: x.from, target: toNode(x.to), value: x.probability })),
        lineStyle: { color: "gradient", curveness: 0.5, opacity: 0.4 },
      },
    ],
  };
}
