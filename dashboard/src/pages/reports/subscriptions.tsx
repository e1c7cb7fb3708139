// Scheduled ROI emails: the list, a form to add or edit one, the email rendered as it will be sent
// (GET …/preview, shown in a sandboxed frame: no script, no network), and send now.
import { useState } from "preact/hooks";
import { useApi, useRefresh, useSiteApi } from "../../api/hooks";
import type { ReportPreview, ReportSubscription, SendNowResult } from "../../api/partner-types";
import { CheckboxField, Field, FormError, SelectField, Submit, TextAreaField } from "../../components/Field";
import { type Column, DataTable } from "../../components/DataTable";
import { Card, EmptyState, LoadError, Loading, Notice } from "../../components/ui";
import { useApiClient, useCan, useFormat, useI18n, useSite } from "../../context";
import { failureText } from "../../lib/failure";
import { useForm } from "../../lib/form";
import { joinRecipients, parseRecipients } from "../../lib/recipients";
import { LANGUAGE_OPTIONS, MODEL_OPTIONS } from "./options";

const PATH = "/api/v1/report-subscriptions";
const FREQUENCIES = ["daily", "weekly", "monthly"] as const;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export function Subscriptions() {
  const { t, language } = useI18n();
  const f = useFormat();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const canWrite = useCan("reports");
  const list = useSiteApi<{ data: ReportSubscription[] }>(PATH);
  const [editing, setEditing] = useState<ReportSubscription | "new" | null>(null);
  const [previewing, setPreviewing] = useState<ReportSubscription | null>(null);
  const [message, setMessage] = useState<{ kind: "success" | "error" | "warning"; text: string } | null>(null);
  const [sending, setSending] = useState<string | null>(null);

  const remove = async (s: ReportSubscription) => {
    if (!confirm(t("reports.confirm_delete", { name: s.name }))) return;
    try {
      await api.send("DELETE", `${PATH}/${s.id}`, undefined, { site_id: siteId });
      if (previewing?.id === s.id) setPreviewing(null);
      await refresh(PATH);
    } catch (err) {
      setMessage({ kind: "error", text: failureText(t, language, err) });
    }
  };
  const sendNow = async (s: ReportSubscription) => {
    setSending(s.id);
    setMessage(null);
    try {
      const r = await api.send<SendNowResult>("POST", `${PATH}/${s.id}/send-now`, undefined, { site_id: siteId });
      setMessage({
        kind: r.failed > 0 ? "warning" : "success",
        text: t("reports.sent_result", {
          name: s.name,
          from: f.day(r.period.from),
          to: f.day(r.period.to),
          sent: r.sent,
          failed: r.failed,
          unsubscribed: r.unsubscribed,
        }),
      });
    } catch (err) {
      setMessage({ kind: "error", text: failureText(t, language, err) });
    } finally {
      setSending(null);
    }
  };

  const schedule = (s: ReportSubscription) =>
    s.frequency === "weekly"
      ? t("reports.schedule_weekly", {
          day: t(`reports.weekdays.${s.weekday ?? 1}` as "reports.weekdays.1"),
          hour: s.hour,
          tz: s.timezone,
        })
      : t(`reports.schedule_${s.frequency}`, { hour: s.hour, tz: s.timezone });
  const columns: Column<ReportSubscription>[] = [
    { key: "name", label: t("fields.name"), value: (s) => s.name },
    {
      key: "recipients",
      label: t("reports.recipients"),
      value: (s) => s.recipients.join(" "),
      render: (s) => joinRecipients(s.recipients),
    },
    { key: "schedule", label: t("reports.schedule"), value: (s) => schedule(s) },
    {
      key: "language",
      label: t("reports.language"),
      value: (s) => s.language ?? "",
      render: (s) => (s.language ? t(`languages.${s.language}`) : t("reports.language_site")),
    },
    { key: "active", label: t("common.status"), value: (s) => (s.active ? t("reports.active") : t("reports.paused")) },
    {
      key: "actions",
      label: t("common.actions"),
      value: () => "",
      sortable: false,
      render: (s) => (
        <span class="row-actions">
          <button
            type="button"
            class="button small"
            onClick={() => setPreviewing(s)}
            aria-label={t("reports.preview_of", { name: s.name })}
          >
            {t("reports.preview")}
          </button>
          {canWrite && (
            <>
              <button
                type="button"
                class="button small"
                onClick={() => sendNow(s)}
                disabled={sending === s.id}
                aria-busy={sending === s.id || undefined}
                aria-label={t("reports.send_now_of", { name: s.name })}
              >
                {t("reports.send_now")}
              </button>
              <button
                type="button"
                class="button small"
                onClick={() => setEditing(s)}
                aria-label={t("reports.edit_of", { name: s.name })}
              >
                {t("common.edit")}
              </button>
              <button
                type="button"
                class="button small danger"
                onClick={() => remove(s)}
                aria-label={t("reports.delete_of", { name: s.name })}
              >
                {t("common.delete")}
              </button>
            </>
          )}
        </span>
      ),
    },
  ];

  return (
    <>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {canWrite && editing && (
        <SubscriptionForm
          key={editing === "new" ? "new" : editing.id}
          current={editing === "new" ? null : editing}
          done={() => setEditing(null)}
        />
      )}
      <Card
        title={t("reports.sections.subscriptions")}
        actions={
          canWrite && editing === null ? (
            <button type="button" class="button small primary" onClick={() => setEditing("new")}>
              {t("reports.add_subscription")}
            </button>
          ) : undefined
        }
      >
        {list.error ? (
          <LoadError error={list.error} retry={() => list.mutate()} />
        ) : !list.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("reports.sections.subscriptions")}
            columns={columns}
            rows={list.data.data}
            rowKey={(s) => s.id}
            exportName="report-subscriptions"
            empty={
              <EmptyState title={t("reports.no_subscriptions")}>
                {canWrite ? t("reports.no_subscriptions_next") : t("reports.no_subscriptions_reader")}
              </EmptyState>
            }
          />
        )}
      </Card>
      {previewing && <Preview subscription={previewing} key={previewing.id} close={() => setPreviewing(null)} />}
    </>
  );
}

function SubscriptionForm({ current, done }: { current: ReportSubscription | null; done: () => void }) {
  const { t } = useI18n();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId, site } = useSite();
  const form = useForm(
    {
      name: current?.name ?? t("reports.default_name"),
      recipients: joinRecipients(current?.recipients ?? []),
      frequency: current?.frequency ?? "weekly",
      weekday: String(current?.weekday ?? 1),
      hour: String(current?.hour ?? 8),
      timezone: current?.timezone ?? site?.timezone ?? "UTC",
      model: current?.model ?? "last_non_direct",
      language: current?.language ?? "",
      active: current?.active ?? true,
    },
    async (v) => {
      const body = {
        name: v.name,
        recipients: parseRecipients(v.recipients),
        frequency: v.frequency,
        ...(v.frequency === "weekly" && { weekday: Number(v.weekday) }),
        hour: Number(v.hour),
        timezone: v.timezone,
        model: v.model,
        language: v.language || null,
        active: v.active,
      };
      if (current) await api.send("PATCH", `${PATH}/${current.id}`, body, { site_id: siteId });
      else await api.send("POST", PATH, body, { site_id: siteId });
      await refresh(PATH);
      done();
    },
  );
  return (
    <Card title={current ? t("reports.edit_subscription", { name: current.name }) : t("reports.add_subscription")}>
      <form onSubmit={form.onSubmit} noValidate>
        <FormError form={form} />
        <Field form={form} name="name" label={t("fields.name")} required />
        <TextAreaField
          form={form}
          name="recipients"
          label={t("reports.recipients")}
          hint={t("reports.recipients_hint")}
          rows={2}
        />
        <SelectField
          form={form}
          name="frequency"
          label={t("reports.frequency")}
          options={FREQUENCIES.map((x) => ({ value: x, label: t(`reports.frequencies.${x}`) }))}
        />
        {form.values.frequency === "weekly" && (
          <SelectField
            form={form}
            name="weekday"
            label={t("reports.weekday")}
            options={WEEKDAYS.map((d) => ({ value: String(d), label: t(`reports.weekdays.${d}`) }))}
          />
        )}
        <Field
          form={form}
          name="hour"
          type="number"
          min={0}
          max={23}
          label={t("reports.hour")}
          hint={t("reports.hour_hint")}
        />
        <Field form={form} name="timezone" label={t("fields.timezone")} />
        <SelectField form={form} name="model" label={t("filters.model")} options={MODEL_OPTIONS(t)} />
        <SelectField
          form={form}
          name="language"
          label={t("reports.language")}
          hint={t("reports.language_hint")}
          options={LANGUAGE_OPTIONS(t)}
        />
        <CheckboxField form={form} name="active" label={t("reports.active")} />
        <div class="form-actions">
          <Submit form={form}>{current ? t("common.save") : t("reports.add_subscription")}</Submit>
          <button type="button" class="button" onClick={done}>
            {t("common.cancel")}
          </button>
        </div>
      </form>
    </Card>
  );
}

/** The email as the mailer would send it now, in a frame that may not run script or fetch anything. */
function Preview({ subscription, close }: { subscription: ReportSubscription; close: () => void }) {
  const { t } = useI18n();
  const f = useFormat();
  const { siteId } = useSite();
  const preview = useApi<ReportPreview>(`${PATH}/${subscription.id}/preview`, { site_id: siteId, format: "json" });
  return (
    <Card
      title={t("reports.preview_of", { name: subscription.name })}
      actions={
        <button type="button" class="button small" onClick={close}>
          {t("common.close")}
        </button>
      }
    >
      {preview.error ? (
        <LoadError error={preview.error} retry={() => preview.mutate()} />
      ) : !preview.data ? (
        <Loading />
      ) : (
        <>
          <p class="preview-subject">
            <strong>{t("reports.subject")}</strong> <span data-subject>{preview.data.subject}</span>
          </p>
          <p class="hint">
            {t("reports.preview_hint", { from: f.day(preview.data.period.from), to: f.day(preview.data.period.to) })}
          </p>
          <iframe
            class="email-preview"
            title={t("reports.preview_frame", { name: subscription.name })}
            sandbox=""
            srcdoc={preview.data.html}
          />
        </>
      )}
    </Card>
  );
}
