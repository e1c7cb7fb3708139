// The partner program's settings: how a referral binds a learner, second-level shares, the holding
// period before commissions are approved, and the payout minimum. Readers see them; admins change them.
import { useEffect, useState } from "preact/hooks";
import { useRefresh, useSiteApi } from "../../api/hooks";
import type { PartnerProgram } from "../../api/partner-types";
import { Field, FormError, SelectField, Submit } from "../../components/Field";
import { Card, LoadError, Loading, Notice } from "../../components/ui";
import { useApiClient, useCan, useFormat, useSite, useT } from "../../context";
import { useForm } from "../../lib/form";

type Values = {
  binding: string;
  binding_days: string;
  cookie_days: string;
  levels: string;
  holding_days: string;
  payout_minimum: string;
};

const valuesOf = (p: PartnerProgram): Values => ({
  binding: p.binding,
  binding_days: String(p.binding_days),
  cookie_days: String(p.cookie_days),
  levels: String(p.levels),
  holding_days: String(p.holding_days),
  payout_minimum: String(p.payout_minimum),
});

export function ProgramSettings() {
  const t = useT();
  const program = useSiteApi<PartnerProgram>("/api/v1/partner-program");
  if (program.error) return <LoadError error={program.error} retry={() => program.mutate()} />;
  if (!program.data) return <Loading />;
  return <ProgramForm program={program.data} title={t("partners.program")} />;
}

function ProgramForm({ program, title }: { program: PartnerProgram; title: string }) {
  const t = useT();
  const f = useFormat();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const canManage = useCan("manage");
  const [saved, setSaved] = useState(false);
  const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
  const form = useForm(valuesOf(program), async (v) => {
    await api.send(
      "PATCH",
      "/api/v1/partner-program",
      {
        binding: v.binding,
        binding_days: num(v.binding_days),
        cookie_days: num(v.cookie_days),
        levels: num(v.levels),
        holding_days: num(v.holding_days),
        payout_minimum: num(v.payout_minimum),
      },
      { site_id: siteId },
    );
    setSaved(true);
    await refresh("/api/v1/partner-program");
  });
  useEffect(() => setSaved(false), [form.values]);
  const disabled = !canManage;
  return (
    <Card title={title}>
      {!canManage && <p class="hint">{t("partners.program_read_only")}</p>}
      <form onSubmit={form.onSubmit} noValidate>
        <FormError form={form} />
        <SelectField
          form={form}
          name="binding"
          label={t("partners.binding")}
          disabled={disabled}
          options={[
            { value: "last", label: t("partners.binding_last") },
            { value: "first", label: t("partners.binding_first") },
          ]}
        />
        <Field
          form={form}
          name="cookie_days"
          type="number"
          min={1}
          max={365}
          label={t("partners.cookie_days")}
          hint={t("partners.cookie_days_hint")}
          disabled={disabled}
        />
        <Field
          form={form}
          name="binding_days"
          type="number"
          min={1}
          max={3650}
          label={t("partners.binding_days")}
          hint={t("partners.binding_days_hint")}
          disabled={disabled}
        />
        <SelectField
          form={form}
          name="levels"
          label={t("partners.levels")}
          disabled={disabled}
          options={[
            { value: "1", label: t("partners.levels_one") },
            { value: "2", label: t("partners.levels_two") },
          ]}
        />
        <Field
          form={form}
          name="holding_days"
          type="number"
          min={0}
          max={365}
          label={t("partners.holding_days")}
          hint={t("partners.holding_days_hint")}
          disabled={disabled}
        />
        <Field
          form={form}
          name="payout_minimum"
          type="number"
          min={0}
          step="0.01"
          label={t("partners.payout_minimum", { currency: f.currency })}
          hint={t("partners.payout_minimum_hint", { amount: f.money(program.payout_minimum) })}
          disabled={disabled}
        />
        {canManage && <Submit form={form}>{t("common.save")}</Submit>}
        {saved && <Notice kind="success">{t("common.saved")}</Notice>}
      </form>
    </Card>
  );
}
