// The partners, ranked by composite score, with their performance, flags and referral link (copy);
// choosing one shows all its links, and admins add partners and links here.
import { useState } from "preact/hooks";
import { useRefresh, useSiteApi } from "../../api/hooks";
import { type Partner, PARTNER_TYPES, type PartnerLink, type Scorecard } from "../../api/partner-types";
import { Field, FormError, SelectField, Submit } from "../../components/Field";
import { type Column, DataTable } from "../../components/DataTable";
import { Card, CopyButton, EmptyState, LoadError, Loading } from "../../components/ui";
import { useApiClient, useCan, useFormat, useSite, useT } from "../../context";
import { useForm } from "../../lib/form";

export function PartnerList() {
  const t = useT();
  const canManage = useCan("manage");
  const list = useSiteApi<{ data: Scorecard[] }>("/api/v1/partners", { sort: "score" });
  const [chosen, setChosen] = useState<Scorecard | null>(null);

  const columns: Column<Scorecard>[] = [
    { key: "name", label: t("fields.name"), value: (p) => p.name },
    { key: "type", label: t("partners.type"), value: (p) => p.type, render: (p) => t(`partners.types.${p.type}`) },
    {
      key: "status",
      label: t("common.status"),
      value: (p) => p.status,
      render: (p) => t(`partners.statuses.${p.status}`),
    },
    { key: "score", label: t("partners.score"), value: (p) => p.score, kind: "number" },
    { key: "clicks", label: t("partners.clicks"), value: (p) => p.performance.clicks, kind: "number" },
    { key: "conversions", label: t("partners.conversions"), value: (p) => p.performance.conversions, kind: "number" },
    {
      key: "conversion_rate",
      label: t("partners.conversion_rate"),
      value: (p) => p.performance.conversion_rate,
      kind: "percent",
    },
    { key: "revenue", label: t("partners.revenue"), value: (p) => p.performance.revenue, kind: "money" },
    { key: "commissions", label: t("partners.commissions"), value: (p) => p.performance.commissions, kind: "money" },
    {
      key: "flags",
      label: t("partners.flags"),
      value: (p) => p.flags.map((x) => x.code).join(" "),
      render: (p) =>
        p.flags.length === 0 ? (
          t("partners.no_flags")
        ) : (
          <ul class="flags">
            {p.flags.map((x) => (
              <li key={x.code} class="flag">
                {t(`partners.flag.${x.code}` as "partners.flag.refund_spike", { defaultValue: x.code })}
              </li>
            ))}
          </ul>
        ),
    },
    {
      key: "link",
      label: t("partners.referral_link"),
      value: (p) => p.referral_url,
      sortable: false,
      render: (p) => (
        <span class="link-cell">
          <code>{p.code}</code>
          <CopyButton text={p.referral_url} label={t("partners.copy_link", { name: p.name })} />
          <button type="button" class="button small" onClick={() => setChosen(p)} aria-expanded={chosen?.id === p.id}>
            {t("partners.all_links")}
          </button>
        </span>
      ),
    },
  ];

  return (
    <>
      {canManage && <AddPartner />}
      <Card title={t("partners.ranked")}>
        <p class="hint">{t("partners.ranked_hint")}</p>
        {list.error ? (
          <LoadError error={list.error} retry={() => list.mutate()} />
        ) : !list.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("partners.ranked")}
            columns={columns}
            rows={list.data.data}
            rowKey={(p) => p.id}
            exportName="partners"
            empty={
              <EmptyState title={t("partners.empty")}>
                {canManage ? t("partners.empty_next") : t("partners.empty_next_reader")}
              </EmptyState>
            }
          />
        )}
      </Card>
      {chosen && <PartnerLinks partner={chosen} key={chosen.id} />}
    </>
  );
}

function AddPartner() {
  const t = useT();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const form = useForm({ name: "", type: "affiliate", email: "", code: "" }, async (v) => {
    await api.send<Partner>(
      "POST",
      "/api/v1/partners",
      { name: v.name, type: v.type, ...(v.email && { email: v.email }), ...(v.code && { code: v.code }) },
      { site_id: siteId },
    );
    form.reset();
    await refresh("/api/v1/partners");
  });
  return (
    <Card title={t("partners.add")}>
      <form onSubmit={form.onSubmit} noValidate class="form-row">
        <FormError form={form} />
        <Field form={form} name="name" label={t("fields.name")} required />
        <SelectField
          form={form}
          name="type"
          label={t("partners.type")}
          options={PARTNER_TYPES.map((x) => ({ value: x, label: t(`partners.types.${x}`) }))}
        />
        <Field form={form} name="email" type="email" label={t("fields.email")} />
        <Field form={form} name="code" label={t("partners.code")} hint={t("partners.code_hint")} />
        <Submit form={form}>{t("partners.add")}</Submit>
      </form>
    </Card>
  );
}

function PartnerLinks({ partner }: { partner: Scorecard }) {
  const t = useT();
  const f = useFormat();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const canManage = useCan("manage");
  const path = `/api/v1/partners/${partner.id}/links`;
  const links = useSiteApi<{ data: PartnerLink[] }>(path);
  const form = useForm({ target_url: "", code: "" }, async (v) => {
    await api.send("POST", path, { target_url: v.target_url, ...(v.code && { code: v.code }) }, { site_id: siteId });
    form.reset();
    await refresh(path);
  });
  const columns: Column<PartnerLink>[] = [
    { key: "code", label: t("partners.code"), value: (l) => l.code, render: (l) => <code>{l.code}</code> },
    { key: "target_url", label: t("partners.target_url"), value: (l) => l.target_url },
    {
      key: "created_at",
      label: t("common.created"),
      value: (l) => l.created_at,
      render: (l) => f.dateTime(l.created_at),
    },
    {
      key: "url",
      label: t("partners.referral_link"),
      value: (l) => l.url,
      sortable: false,
      render: (l) => <CopyButton text={l.url} label={t("partners.copy_link", { name: l.code })} />,
    },
  ];
  return (
    <Card title={t("partners.links_of", { name: partner.name })}>
      {links.error ? (
        <LoadError error={links.error} retry={() => links.mutate()} />
      ) : !links.data ? (
        <Loading />
      ) : (
        <DataTable
          caption={t("partners.links_of", { name: partner.name })}
          columns={columns}
          rows={links.data.data}
          rowKey={(l) => l.code}
          exportName={`links-${partner.code}`}
          empty={<EmptyState title={t("partners.no_links")} />}
        />
      )}
      {canManage && (
        <form onSubmit={form.onSubmit} noValidate class="form-row">
          <FormError form={form} />
          <Field form={form} name="target_url" type="url" label={t("partners.target_url")} required />
          <Field form={form} name="code" label={t("partners.code")} hint={t("partners.code_hint")} />
          <Submit form={form}>{t("partners.add_link")}</Submit>
        </form>
      )}
    </Card>
  );
}
