// Threshold alerts by email: ROI of a channel below a floor, spend up day over day, conversions at
// zero. Checked hourly by the report job; at most one email per rule a day.
import { useState } from "preact/hooks";
import { useRefresh, useSiteApi } from "../../api/hooks";
import { ALERT_KINDS, type AlertRule } from "../../api/partner-types";
import { CheckboxField, Field, FormError, SelectField, Submit, TextAreaField } from "../../components/Field";
import { type Column, DataTable } from "../../components/DataTable";
import { Card, EmptyState, LoadError, Loading, Notice } from "../../components/ui";
import { useApiClient, useCan, useFormat, useI18n, useSite } from "../../context";
import { failureText } from "../../lib/failure";
import { useForm } from "../../lib/form";
import { joinRecipients, parseRecipients } from "../../lib/recipients";
import { LANGUAGE_OPTIONS, MODEL_OPTIONS } from "./options";

const PATH = "/api/v1/alert-rules";

export function AlertRules() {
  const { t, language } = useI18n();
  const f = useFormat();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const canWrite = useCan("reports");
  const list = useSiteApi<{ data: AlertRule[] }>(PATH);
  const [editing, setEditing] = useState<AlertRule | "new" | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const remove = async (r: AlertRule) => {
    if (!confirm(t("reports.confirm_delete_alert"))) return;
    try {
      await api.send("DELETE", `${PATH}/${r.id}`, undefined, { site_id: siteId });
      await refresh(PATH);
    } catch (err) {
      setFailure(failureText(t, language, err));
    }
  };
  const condition = (r: AlertRule) =>
    r.kind === "roi_below"
      ? t("reports.alert_roi_below", {
          channel: r.channel ?? "",
          threshold: f.number(r.threshold),
          days: r.window_days,
        })
      : r.kind === "spend_up"
        ? t("reports.alert_spend_up", { percent: f.number(r.threshold) })
        : t("reports.alert_conversions_zero", { days: r.window_days });
  const columns: Column<AlertRule>[] = [
    { key: "condition", label: t("reports.condition"), value: condition },
    { key: "recipients", label: t("reports.recipients"), value: (r) => joinRecipients(r.recipients) },
    {
      key: "language",
      label: t("reports.language"),
      value: (r) => r.language ?? "",
      render: (r) => (r.language ? t(`languages.${r.language}`) : t("reports.language_site")),
    },
    { key: "active", label: t("common.status"), value: (r) => (r.active ? t("reports.active") : t("reports.paused")) },
    {
      key: "created_at",
      label: t("common.created"),
      value: (r) => r.created_at,
      render: (r) => f.dateTime(r.created_at),
    },
    ...(canWrite
      ? [
          {
            key: "actions",
            label: t("common.actions"),
            value: () => "",
            sortable: false,
            render: (r: AlertRule) => (
              <span class="row-actions">
                <button
                  type="button"
                  class="button small"
                  onClick={() => setEditing(r)}
                  aria-label={t("reports.edit_of", { name: condition(r) })}
                >
                  {t("common.edit")}
                </button>
                <button
                  type="button"
                  class="button small danger"
                  onClick={() => remove(r)}
                  aria-label={t("reports.delete_of", { name: condition(r) })}
                >
                  {t("common.delete")}
                </button>
              </span>
            ),
          } satisfies Column<AlertRule>,
        ]
      : []),
  ];
  return (
    <>
      {failure && <Notice kind="error">{failure}</Notice>}
      {canWrite && editing && (
        <AlertForm
          key={editing === "new" ? "new" : editing.id}
          current={editing === "new" ? null : editing}
          done={() => setEditing(null)}
        />
      )}
      <Card
        title={t("reports.sections.alerts")}
        actions={
          canWrite && editing === null ? (
            <button type="button" class="button small primary" onClick={() => setEditing("new")}>
              {t("reports.add_alert")}
            </button>
          ) : undefined
        }
      >
        <p class="hint">{t("reports.alerts_hint")}</p>
        {list.error ? (
          <LoadError error={list.error} retry={() => list.mutate()} />
        ) : !list.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("reports.sections.alerts")}
            columns={columns}
            rows={list.data.data}
            rowKey={(r) => r.id}
            exportName="alert-rules"
            empty={
              <EmptyState title={t("reports.no_alerts")}>
                {canWrite ? t("reports.no_alerts_next") : t("reports.no_subscriptions_reader")}
              </EmptyState>
            }
          />
        )}
      </Card>
    </>
  );
}

function AlertForm({ current, done }: { current: AlertRule | null; done: () => void }) {
  const { t } = useI18n();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const form = useForm(
    {
      kind: current?.kind ?? "roi_below",
      channel: current?.channel ?? "",
      threshold: current ? String(current.threshold) : "1",
      window_days: String(current?.window_days ?? 7),
      recipients: joinRecipients(current?.recipients ?? []),
      model: current?.model ?? "last_non_direct",
      language: current?.language ?? "",
      active: current?.active ?? true,
    },
    async (v) => {
      const body = {
        kind: v.kind,
        ...(v.kind === "roi_below" ? { channel: v.channel || undefined } : current ? { channel: null } : {}),
        ...(v.kind !== "conversions_zero" && {
          threshold: v.threshold.trim() === "" ? undefined : Number(v.threshold),
        }),
        window_days: Number(v.window_days),
        recipients: parseRecipients(v.recipients),
        model: v.model,
        language: v.language || null,
        ...(current && { active: v.active }),
      };
      if (current) await api.send("PATCH", `${PATH}/${current.id}`, body, { site_id: siteId });
      else await api.send("POST", PATH, body, { site_id: siteId });
      await refresh(PATH);
      done();
    },
  );
  return (
    <Card title={current ? t("reports.edit_alert") : t("reports.add_alert")}>
      <form onSubmit={form.onSubmit} noValidate>
        <FormError form={form} />
        <SelectField
          form={form}
          name="kind"
          label={t("reports.alert_kind")}
          options={ALERT_KINDS.map((k) => ({ value: k, label: t(`reports.alert_kinds.${k}`) }))}
        />
        {form.values.kind === "roi_below" && (
          <Field form={form} name="channel" label={t("reports.channel")} hint={t("reports.channel_hint")} />
        )}
        {form.values.kind !== "conversions_zero" && (
          <Field
            form={form}
            name="threshold"
            type="number"
            step="any"
            label={form.values.kind === "roi_below" ? t("reports.threshold_roi") : t("reports.threshold_percent")}
          />
        )}
        <Field form={form} name="window_days" type="number" min={1} max={90} label={t("reports.window_days")} />
        <TextAreaField
          form={form}
          name="recipients"
          label={t("reports.recipients")}
          hint={t("reports.recipients_hint")}
          rows={2}
        />
        <SelectField form={form} name="model" label={t("filters.model")} options={MODEL_OPTIONS(t)} />
        <SelectField
          form={form}
          name="language"
          label={t("reports.language")}
          hint={t("reports.language_hint")}
          options={LANGUAGE_OPTIONS(t)}
        />
        {current && <CheckboxField form={form} name="active" label={t("reports.active")} />}
        <div class="form-actions">
          <Submit form={form}>{current ? t("common.save") : t("reports.add_alert")}</Submit>
          <button type="button" class="button" onClick={done}>
            {t("common.cancel")}
          </button>
        </div>
      </form>
    </Card>
  );
}
