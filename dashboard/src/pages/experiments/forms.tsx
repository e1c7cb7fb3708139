// The experiment forms: create or edit a draft (POST / PATCH /api/v1/experiments), and stop a
// running one with its winner and the decision (POST …/stop). The API's issues land next to fields.
import { useRefresh } from "../../api/hooks";
import { CREATIVE_FIELDS, EXPERIMENT_METRICS, type Experiment } from "../../api/experiment-types";
import { CheckboxField, Field, FormError, SelectField, Submit, TextAreaField } from "../../components/Field";
import { Card } from "../../components/ui";
import { useApiClient, useI18n, useSite } from "../../context";
import { useForm } from "../../lib/form";

const PATH = "/api/v1/experiments";
const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

export function ExperimentForm({ current, done }: { current: Experiment | null; done: () => void }) {
  const { t } = useI18n();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const guardrail = (m: string) => `guardrail_${m}`;
  const form = useForm(
    {
      key: current?.key ?? "",
      name: current?.name ?? "",
      kind: current?.kind ?? "onsite",
      variants: current ? current.variants.map((v) => v.key).join(", ") : "a, b",
      weights: current ? current.variants.map((v) => v.weight).join(", ") : "",
      hypothesis: current?.hypothesis ?? "",
      primary_metric: current?.primary_metric ?? "purchase",
      creative_field: current?.creative_field ?? "utm_campaign",
      cuped_days: String(current?.cuped_days ?? 14),
      ...Object.fromEntries(
        EXPERIMENT_METRICS.map((m) => [guardrail(m), current?.guardrails.includes(m) ?? false] as const),
      ),
    } as Record<string, string | boolean>,
    async (v) => {
      const weights = list(String(v.weights)).map(Number);
      const body = {
        name: v.name,
        variants: list(String(v.variants)),
        ...(weights.length ? { weights } : {}),
        hypothesis: String(v.hypothesis).trim() || (current ? null : undefined),
        primary_metric: v.primary_metric,
        guardrails: EXPERIMENT_METRICS.filter((m) => v[guardrail(m)] && m !== v.primary_metric),
        ...(v.kind === "creative" && { creative_field: v.creative_field }),
        cuped_days: Number(v.cuped_days),
      };
      if (current) await api.send("PATCH", `${PATH}/${current.key}`, body, { site_id: siteId });
      else await api.send("POST", PATH, { ...body, key: v.key, kind: v.kind }, { site_id: siteId });
      await refresh(PATH);
      done();
    },
  );
  const metricOptions = EXPERIMENT_METRICS.map((m) => ({ value: m, label: t(`experiments.metrics.${m}`) }));
  return (
    <Card title={current ? t("experiments.edit_title", { name: current.name }) : t("experiments.new")}>
      <form onSubmit={form.onSubmit} noValidate>
        <FormError form={form} />
        {!current && (
          <Field form={form} name="key" label={t("experiments.key")} hint={t("experiments.key_hint")} required />
        )}
        <Field form={form} name="name" label={t("experiments.name")} required />
        {!current && (
          <SelectField
            form={form}
            name="kind"
            label={t("experiments.kind")}
            options={(["onsite", "creative"] as const).map((k) => ({ value: k, label: t(`experiments.kinds.${k}`) }))}
          />
        )}
        {form.values.kind === "creative" && (
          <SelectField
            form={form}
            name="creative_field"
            label={t("experiments.creative_field")}
            hint={t("experiments.creative_field_hint")}
            options={CREATIVE_FIELDS.map((c) => ({ value: c, label: c }))}
          />
        )}
        <Field form={form} name="variants" label={t("experiments.variants")} hint={t("experiments.variants_hint")} />
        <Field form={form} name="weights" label={t("experiments.weights")} hint={t("experiments.weights_hint")} />
        <TextAreaField form={form} name="hypothesis" label={t("experiments.hypothesis")} rows={2} />
        <SelectField
          form={form}
          name="primary_metric"
          label={t("experiments.primary_metric")}
          options={metricOptions}
        />
        <fieldset class="field">
          <legend>{t("experiments.guardrails")}</legend>
          {EXPERIMENT_METRICS.map((m) => (
            <CheckboxField key={m} form={form} name={guardrail(m)} label={t(`experiments.metrics.${m}`)} />
          ))}
        </fieldset>
        <Field
          form={form}
          name="cuped_days"
          type="number"
          min={0}
          max={90}
          label={t("experiments.cuped_days")}
          hint={t("experiments.cuped_days_hint")}
        />
        <div class="form-actions">
          <Submit form={form}>{current ? t("common.save") : t("experiments.create")}</Submit>
          <button type="button" class="button" onClick={done}>
            {t("common.cancel")}
          </button>
        </div>
      </form>
    </Card>
  );
}

export function StopForm({ experiment, done }: { experiment: Experiment; done: () => void }) {
  const { t } = useI18n();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const form = useForm({ winner: "", decision: "" }, async (v) => {
    const body = { ...(v.winner && { winner: v.winner }), ...(v.decision.trim() && { decision: v.decision.trim() }) };
    await api.send("POST", `${PATH}/${experiment.key}/stop`, body, { site_id: siteId });
    await refresh(PATH);
    done();
  });
  return (
    <Card title={t("experiments.stop_title", { name: experiment.name })}>
      <form onSubmit={form.onSubmit} noValidate>
        <FormError form={form} />
        <SelectField
          form={form}
          name="winner"
          label={t("experiments.winner")}
          hint={t("experiments.winner_hint")}
          options={[
            { value: "", label: t("experiments.no_winner") },
            ...experiment.variants.map((v) => ({ value: v.key, label: v.key })),
          ]}
        />
        <TextAreaField form={form} name="decision" label={t("experiments.decision")} rows={2} />
        <div class="form-actions">
          <Submit form={form}>{t("experiments.stop")}</Submit>
          <button type="button" class="button" onClick={done}>
            {t("common.cancel")}
          </button>
        </div>
      </form>
    </Card>
  );
}
