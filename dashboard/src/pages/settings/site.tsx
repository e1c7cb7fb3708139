// Site settings (PATCH /api/v1/sites/{id}): name, domain, calendar and currency, privacy, the
// attribution window. Read-only for roles that cannot change them.
import { useRefresh } from "../../api/hooks";
import type { Site } from "../../api/types";
import { CheckboxField, Field, FormError, Submit, TextAreaField } from "../../components/Field";
import { Card, Notice } from "../../components/ui";
import { useApiClient, useCan, useSite, useT } from "../../context";
import { useForm } from "../../lib/form";
import { useState } from "preact/hooks";

const lines = (s: string) =>
  s
    .split(/\s+/)
    .map((x) => x.trim())
    .filter(Boolean);

const number = (s: string) => (s.trim() === "" ? undefined : Number(s));

function initial(site: Site) {
  return {
    name: site.name,
    domain: site.domain,
    timezone: site.timezone,
    currency: site.currency,
    retention_days: String(site.retention_days),
    lookback_days: String(site.lookback_days),
    half_life_days: String(site.half_life_days),
    allowed_origins: site.allowed_origins.join("\n"),
    item_path_pattern: site.item_path_pattern ?? "",
    cookie_mode: site.cookie_mode,
    respect_dnt: site.respect_dnt,
  };
}

export function SiteSettings() {
  const { site } = useSite();
  return site ? <SiteForm key={site.id} site={site} /> : null;
}

function SiteForm({ site }: { site: Site }) {
  const t = useT();
  const api = useApiClient();
  const refresh = useRefresh();
  const editable = useCan("manage");
  const [saved, setSaved] = useState(false);
  const form = useForm(initial(site), async (v) => {
    setSaved(false);
    const updated = await api.send<Site>("PATCH", `/api/v1/sites/${site.id}`, {
      name: v.name,
      domain: v.domain,
      timezone: v.timezone,
      currency: v.currency.toUpperCase(),
      retention_days: number(v.retention_days),
      lookback_days: number(v.lookback_days),
      half_life_days: number(v.half_life_days),
      allowed_origins: lines(v.allowed_origins),
      item_path_pattern: v.item_path_pattern.trim() || null,
      cookie_mode: v.cookie_mode,
      respect_dnt: v.respect_dnt,
    });
    form.reset(initial(updated));
    await refresh(`/api/v1/sites/${site.id}`);
    setSaved(true);
  });
  return (
    <Card title={t("settings.sections.site")}>
      {!editable && <Notice>{t("settings.read_only")}</Notice>}
      <form onSubmit={form.onSubmit} noValidate>
        <FormError form={form} />
        {saved && <Notice kind="success">{t("common.saved")}</Notice>}
        <fieldset disabled={!editable} class="form-grid">
          <legend class="visually-hidden">{t("settings.sections.site")}</legend>
          <Field form={form} name="name" label={t("fields.site_name")} required />
          <Field form={form} name="domain" label={t("fields.domain")} hint={t("settings.site.domain_hint")} required />
          <Field form={form} name="timezone" label={t("fields.timezone")} hint={t("settings.site.timezone_hint")} />
          <Field
            form={form}
            name="currency"
            label={t("fields.currency")}
            hint={t("settings.site.currency_hint")}
            maxLength={3}
          />
          <Field
            form={form}
            name="retention_days"
            label={t("fields.retention_days")}
            type="number"
            min={30}
            max={3650}
          />
          <Field form={form} name="lookback_days" label={t("fields.lookback_days")} type="number" min={1} max={90} />
          <Field
            form={form}
            name="half_life_days"
            label={t("fields.half_life_days")}
            type="number"
            min={0.1}
            max={90}
            step="any"
          />
          <Field
            form={form}
            name="item_path_pattern"
            label={t("fields.item_path_pattern")}
            hint={t("settings.site.item_path_hint")}
          />
          <TextAreaField
            form={form}
            name="allowed_origins"
            label={t("fields.allowed_origins")}
            hint={t("settings.site.origins_hint")}
          />
          <CheckboxField
            form={form}
            name="cookie_mode"
            label={t("fields.cookie_mode")}
            hint={t("settings.site.cookie_hint")}
          />
          <CheckboxField form={form} name="respect_dnt" label={t("fields.respect_dnt")} />
        </fieldset>
        {editable && <Submit form={form}>{t("common.save")}</Submit>}
      </form>
    </Card>
  );
}
