// Experiments: the site's A/B tests with their status; create and edit drafts, start, stop with a
// decision (admins and owners; the API refuses everyone else). /experiments/KEY shows one
// experiment's results (experiments/results.tsx).
import { useState } from "preact/hooks";
import { useRefresh, useSiteApi } from "../api/hooks";
import type { Experiment } from "../api/experiment-types";
import { type Column, DataTable } from "../components/DataTable";
import { Card, EmptyState, LoadError, Loading, Notice, PageHeader } from "../components/ui";
import { useApiClient, useCan, useFormat, useI18n, useSite } from "../context";
import { failureText } from "../lib/failure";
import type { PageProps } from "../pages";
import { ExperimentForm, StopForm } from "./experiments/forms";
import { ExperimentResultsView } from "./experiments/results";

export const EXPERIMENTS_PATH = "/api/v1/experiments";

export default function Experiments({ params }: PageProps) {
  return params.key ? <ExperimentResultsView experimentKey={params.key} /> : <ExperimentList />;
}

function ExperimentList() {
  const { t, language } = useI18n();
  const f = useFormat();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const canManage = useCan("manage");
  const list = useSiteApi<{ data: Experiment[] }>(EXPERIMENTS_PATH);
  const [editing, setEditing] = useState<Experiment | "new" | null>(null);
  const [stopping, setStopping] = useState<Experiment | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const start = async (e: Experiment) => {
    if (!confirm(t("experiments.confirm_start", { name: e.name }))) return;
    setFailure(null);
    try {
      await api.send("POST", `${EXPERIMENTS_PATH}/${e.key}/start`, undefined, { site_id: siteId });
      await refresh(EXPERIMENTS_PATH);
    } catch (err) {
      setFailure(failureText(t, language, err));
    }
  };

  const columns: Column<Experiment>[] = [
    {
      key: "name",
      label: t("experiments.name"),
      value: (e) => e.name,
      render: (e) => <a href={`/experiments/${encodeURIComponent(e.key)}`}>{e.name}</a>,
    },
    { key: "key", label: t("experiments.key"), value: (e) => e.key },
    { key: "kind", label: t("experiments.kind"), value: (e) => t(`experiments.kinds.${e.kind}`) },
    {
      key: "status",
      label: t("common.status"),
      value: (e) => e.status,
      render: (e) => (
        <span class={`status status-${e.status}`} data-status={e.status}>
          {t(`experiments.statuses.${e.status}`)}
        </span>
      ),
    },
    {
      key: "metric",
      label: t("experiments.primary_metric"),
      value: (e) => t(`experiments.metrics.${e.primary_metric}`),
    },
    { key: "variants", label: t("experiments.variants"), value: (e) => e.variants.map((v) => v.key).join(", ") },
    {
      key: "started_at",
      label: t("experiments.started"),
      value: (e) => e.started_at ?? "",
      render: (e) => (e.started_at ? f.dateTime(e.started_at) : ""),
    },
    {
      key: "decision",
      label: t("experiments.decision"),
      value: (e) =>
        e.status === "stopped" ? [e.winner ?? t("experiments.no_winner"), e.decision].filter(Boolean).join(" · ") : "",
    },
    ...(canManage
      ? [
          {
            key: "actions",
            label: t("common.actions"),
            value: () => "",
            sortable: false,
            render: (e: Experiment) => (
              <span class="row-actions">
                {e.status === "draft" && (
                  <>
                    <button
                      type="button"
                      class="button small"
                      onClick={() => setEditing(e)}
                      aria-label={t("experiments.edit_of", { name: e.name })}
                    >
                      {t("common.edit")}
                    </button>
                    <button
                      type="button"
                      class="button small primary"
                      onClick={() => start(e)}
                      aria-label={t("experiments.start_of", { name: e.name })}
                    >
                      {t("experiments.start")}
                    </button>
                  </>
                )}
                {e.status === "running" && (
                  <button
                    type="button"
                    class="button small"
                    onClick={() => setStopping(e)}
                    aria-label={t("experiments.stop_of", { name: e.name })}
                  >
                    {t("experiments.stop")}
                  </button>
                )}
              </span>
            ),
          } satisfies Column<Experiment>,
        ]
      : []),
  ];

  return (
    <>
      <PageHeader title={t("experiments.title")}>
        {canManage && editing === null && (
          <button type="button" class="button primary" onClick={() => setEditing("new")}>
            {t("experiments.new")}
          </button>
        )}
      </PageHeader>
      {failure && <Notice kind="error">{failure}</Notice>}
      {canManage && editing && (
        <ExperimentForm
          key={editing === "new" ? "new" : editing.key}
          current={editing === "new" ? null : editing}
          done={() => setEditing(null)}
        />
      )}
      {canManage && stopping && <StopForm key={stopping.key} experiment={stopping} done={() => setStopping(null)} />}
      <Card title={t("experiments.list")}>
        <p class="hint">{t("experiments.list_hint")}</p>
        {list.error ? (
          <LoadError error={list.error} retry={() => list.mutate()} />
        ) : !list.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("experiments.list")}
            columns={columns}
            rows={list.data.data}
            rowKey={(e) => e.key}
            exportName="experiments"
            empty={
              <EmptyState title={t("experiments.empty")}>
                <p>{canManage ? t("experiments.empty_next") : t("experiments.empty_reader")}</p>
              </EmptyState>
            }
          />
        )}
      </Card>
    </>
  );
}
