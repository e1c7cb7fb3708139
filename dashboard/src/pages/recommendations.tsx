// Recommendations: each model version with its holdout figure beside its baseline's (the promotion
// rule's verdict), what its lists did online (impressions, CTR, conversion, revenue) over the chosen
// days, and promote / roll back (admins): promoting an older version is how a rollback is done.
import { useState } from "preact/hooks";
import { useRefresh, useSiteApi } from "../api/hooks";
import type { ModelPerformance, ModelVersion } from "../api/partner-types";
import { type Column, DataTable } from "../components/DataTable";
import { SelectFilter, FilterBar } from "../components/Filters";
import { Card, EmptyState, LoadError, Loading, Notice, PageHeader } from "../components/ui";
import { useApiClient, useCan, useFormat, useI18n, useSite } from "../context";
import { failureText } from "../lib/failure";
import { useQueryState } from "../lib/url-state";

type Online = ModelPerformance["data"][number];
type Row = ModelVersion & { online: Online | undefined };

const DAYS = ["30", "7", "90"] as const;

export default function Recommendations() {
  const { t, language } = useI18n();
  const f = useFormat();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const canManage = useCan("manage");
  const [query] = useQueryState();
  const days = DAYS.find((d) => d === query.days) ?? "30";
  const models = useSiteApi<{ data: ModelVersion[] }>("/api/v1/models");
  const perf = useSiteApi<ModelPerformance>("/api/v1/models/performance", { days });
  const [message, setMessage] = useState<{ kind: "success" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const promote = async (m: ModelVersion) => {
    const active = models.data?.data.find((x) => x.kind === m.kind && x.status === "active");
    const rollback = active !== undefined && m.version < active.version;
    if (!confirm(t(rollback ? "recs.confirm_rollback" : "recs.confirm_promote", { version: m.version }))) return;
    setBusy(m.id);
    setMessage(null);
    try {
      await api.send("POST", `/api/v1/models/${m.id}/promote`, undefined, { site_id: siteId });
      setMessage({
        kind: "success",
        text: t("recs.promoted", { version: m.version, kind: t(`recs.kinds.${kindKey(m.kind)}`) }),
      });
      await refresh("/api/v1/models");
    } catch (err) {
      setMessage({ kind: "error", text: failureText(t, language, err) });
    } finally {
      setBusy(null);
    }
  };

  const online = new Map((perf.data?.data ?? []).map((r) => [r.model_id, r]));
  const rows: Row[] = (models.data?.data ?? []).map((m) => ({ ...m, online: online.get(m.id) }));
  const baselineOnline = online.get(null);
  const metricLabel = (m: ModelVersion) => (m.metrics.metric === "auc" ? "ROC-AUC" : "NDCG@10");
  const columns: Column<Row>[] = [
    { key: "version", label: t("recs.version"), value: (m) => m.version, kind: "number" },
    { key: "kind", label: t("recs.kind"), value: (m) => m.kind, render: (m) => t(`recs.kinds.${kindKey(m.kind)}`) },
    {
      key: "status",
      label: t("common.status"),
      value: (m) => m.status,
      render: (m) => <span class={`status status-${m.status}`}>{t(`recs.statuses.${statusKey(m.status)}`)}</span>,
    },
    { key: "candidate", label: t("recs.candidate"), value: (m) => m.metrics.candidate ?? "" },
    { key: "metric", label: t("recs.metric"), value: metricLabel },
    {
      key: "value",
      label: t("recs.holdout"),
      value: (m) => m.metrics.value,
      kind: "number",
      render: (m) => f.score(m.metrics.value),
    },
    {
      key: "baseline",
      label: t("recs.baseline"),
      value: (m) => m.metrics.promotion.baseline,
      render: (m) => t(`recs.baselines.${baselineKey(m.metrics.promotion.baseline)}`),
    },
    {
      key: "baseline_value",
      label: t("recs.baseline_holdout"),
      value: (m) => m.metrics.promotion.baseline_value,
      kind: "number",
      render: (m) => f.score(m.metrics.promotion.baseline_value),
    },
    {
      key: "required",
      label: t("recs.required"),
      value: (m) => m.metrics.promotion.required,
      kind: "number",
      render: (m) => f.score(m.metrics.promotion.required),
    },
    {
      key: "decision",
      label: t("recs.decision"),
      value: (m) => m.decision,
      render: (m) => <span title={m.reason}>{t(`recs.decisions.${m.decision}`)}</span>,
    },
    { key: "impressions", label: t("recs.impressions"), value: (m) => m.online?.impressions ?? 0, kind: "number" },
    { key: "ctr", label: t("recs.ctr"), value: (m) => m.online?.ctr ?? null, kind: "percent" },
    { key: "conversion", label: t("recs.conversion"), value: (m) => m.online?.conversion ?? null, kind: "percent" },
    { key: "revenue", label: t("recs.revenue"), value: (m) => m.online?.revenue ?? 0, kind: "money" },
    { key: "trained", label: t("recs.trained"), value: (m) => m.created_at, render: (m) => f.dateTime(m.created_at) },
    ...(canManage
      ? [
          {
            key: "actions",
            label: t("common.actions"),
            value: () => "",
            sortable: false,
            render: (m: Row) =>
              m.status === "active" ? (
                t("recs.serving")
              ) : (
                <button
                  type="button"
                  class="button small"
                  disabled={busy === m.id}
                  aria-busy={busy === m.id || undefined}
                  onClick={() => promote(m)}
                  aria-label={t("recs.promote_version", {
                    version: m.version,
                    kind: t(`recs.kinds.${kindKey(m.kind)}`),
                  })}
                >
                  {t("recs.promote")}
                </button>
              ),
          } satisfies Column<Row>,
        ]
      : []),
  ];

  return (
    <>
      <PageHeader title={t("recs.title")} />
      <FilterBar>
        <SelectFilter
          name="days"
          label={t("recs.online_days")}
          options={DAYS.map((d) => ({ value: d, label: t("recs.last_days", { count: Number(d) }) }))}
        />
      </FilterBar>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <Card title={t("recs.versions")}>
        <p class="hint">{t("recs.versions_hint")}</p>
        {models.error ? (
          <LoadError error={models.error} retry={() => models.mutate()} />
        ) : perf.error ? (
          <LoadError error={perf.error} retry={() => perf.mutate()} />
        ) : !models.data || !perf.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("recs.versions")}
            columns={columns}
            rows={rows}
            rowKey={(m) => m.id}
            exportName="model-versions"
            initialSort={{ key: "version", dir: "desc" }}
            empty={<EmptyState title={t("recs.empty")}>{t("recs.empty_next")}</EmptyState>}
          />
        )}
      </Card>
      {baselineOnline && (
        <Card title={t("recs.baseline_online")}>
          <dl class="kpis" data-baseline-online>
            <div class="kpi" data-kpi="baseline-impressions" data-value={baselineOnline.impressions}>
              <dt>{t("recs.impressions")}</dt>
              <dd class="kpi-value">{f.number(baselineOnline.impressions)}</dd>
            </div>
            <div class="kpi" data-kpi="baseline-ctr" data-value={baselineOnline.ctr ?? ""}>
              <dt>{t("recs.ctr")}</dt>
              <dd class="kpi-value">{f.percent(baselineOnline.ctr)}</dd>
            </div>
            <div class="kpi" data-kpi="baseline-revenue" data-value={baselineOnline.revenue}>
              <dt>{t("recs.revenue")}</dt>
              <dd class="kpi-value">{f.money(baselineOnline.revenue)}</dd>
            </div>
          </dl>
        </Card>
      )}
    </>
  );
}

const kindKey = (k: string) => (k === "propensity" ? "propensity" : "recommender");
const statusKey = (s: string) =>
  (["candidate", "active", "retired", "rejected"] as const).find((x) => x === s) ?? "candidate";
const baselineKey = (b: string) =>
  (["item_knn", "popularity", "logistic_regression"] as const).find((x) => x === b) ?? "popularity";
