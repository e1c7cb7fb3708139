// The partner portal: a person whose membership is the partner role signs in as anyone does and
// lands here. It reads only /api/v1/portal/*, which the API binds to their own partner record
// (functions/edge/routes/portal.ts): their links, clicks, commissions and payouts, nothing else of
// the site. Text follows the reader's language like every page; money is in the site's currency.
import { useState } from "preact/hooks";
import { useApi } from "../api/hooks";
import type { ClickBreakdown, Commission, Page, Payout, PortalProfile } from "../api/partner-types";
import { COMMISSION_STATUSES } from "../api/partner-types";
import type { MemberSite, Site, Whoami } from "../api/types";
import { type Column, DataTable } from "../components/DataTable";
import { Card, CopyButton, EmptyState, Kpi, LoadError, Loading, Notice, PageHeader } from "../components/ui";
import { SiteContext, type SiteState, useFormat, useT } from "../context";
import { Account, LanguageSwitch } from "../shell";

export default function Portal() {
  const t = useT();
  const session = useApi<Whoami>("/api/v1/session", undefined, { shouldRetryOnError: false });
  const mine = (session.data?.sites ?? []).filter((s) => s.role === "partner");
  const [chosen, setChosen] = useState<string | null>(null);
  const current = mine.find((s) => s.id === chosen) ?? mine[0];
  if (session.error?.status === 401) {
    location.assign("/login?next=%2Fportal");
    return <Loading />;
  }
  return (
    <div class="app portal">
      <a class="skip-link" href="#main">
        {t("shell.skip_to_content")}
      </a>
      <header class="topbar">
        <span class="brand">Wayfind</span>
        {mine.length > 1 && (
          <div class="site-switch">
            <label for="portal-site">{t("shell.site")}</label>
            <select
              id="portal-site"
              value={current?.id}
              onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value)}
            >
              {mine.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="topbar-end">
          {/* A member of a site as well as a partner: the way back to the site's dashboard. */}
          {session.data?.sites.some((s) => s.role !== "partner") && (
            <a href="/" class="button small" data-dashboard-link>
              {t("portal.dashboard")}
            </a>
          )}
          <LanguageSwitch />
          <Account user={session.data?.user ?? null} />
        </div>
      </header>
      <main id="main" tabIndex={-1} class="portal-main">
        {session.error ? (
          <LoadError error={session.error} retry={() => session.mutate()} />
        ) : !session.data ? (
          <Loading />
        ) : !current ? (
          <>
            <PageHeader title={t("portal.title")} />
            <Notice kind="info">{t("portal.not_a_partner")}</Notice>
          </>
        ) : (
          <PortalBody site={current} key={current.id} />
        )}
      </main>
    </div>
  );
}

function PortalBody({ site }: { site: MemberSite }) {
  const t = useT();
  const q = { site_id: site.id };
  const me = useApi<PortalProfile>("/api/v1/portal/me", q);
  if (me.error) return <LoadError error={me.error} retry={() => me.mutate()} />;
  if (!me.data) return <Loading />;
  // The portal reads no site record (a partner may not): money in the currency the portal reports,
  // dates in the reader's own time zone. Read-only: no write control anywhere.
  const state: SiteState = {
    siteId: site.id,
    site: { currency: me.data.currency, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone } as Site,
    role: "partner",
    sites: [],
    user: null,
    readOnly: true,
    setSiteId: () => undefined,
  };
  return (
    <SiteContext.Provider value={state}>
      <PageHeader title={t("portal.title")} />
      <p class="hint">{t("portal.welcome", { name: me.data.name, site: site.name })}</p>
      <Profile me={me.data} />
      <Clicks siteId={site.id} />
      <Commissions siteId={site.id} />
      <Payouts siteId={site.id} />
    </SiteContext.Provider>
  );
}

function Profile({ me }: { me: PortalProfile }) {
  const t = useT();
  const f = useFormat();
  const earned = (s: (typeof COMMISSION_STATUSES)[number]) => me.earnings[s]?.amount ?? 0;
  const columns: Column<PortalProfile["links"][number]>[] = [
    { key: "code", label: t("partners.code"), value: (l) => l.code, render: (l) => <code>{l.code}</code> },
    { key: "target_url", label: t("partners.target_url"), value: (l) => l.target_url },
    {
      key: "url",
      label: t("partners.referral_link"),
      value: (l) => l.url,
      sortable: false,
      render: (l) => (
        <span class="link-cell">
          <code>{l.url}</code> <CopyButton text={l.url} label={t("partners.copy_link", { name: l.code })} />
        </span>
      ),
    },
  ];
  return (
    <>
      <dl class="kpis">
        <Kpi id="clicks" label={t("portal.clicks_all_time")} value={f.number(me.clicks)} raw={me.clicks} />
        {(["pending", "approved", "paid"] as const).map((s) => (
          <Kpi
            key={s}
            id={`earned-${s}`}
            label={t(`partners.commission_status.${s}`)}
            value={f.money(earned(s))}
            raw={earned(s)}
          />
        ))}
      </dl>
      <Card title={t("portal.your_links")}>
        <DataTable
          caption={t("portal.your_links")}
          columns={columns}
          rows={me.links}
          rowKey={(l) => l.code}
          exportName="links"
          empty={<EmptyState title={t("partners.no_links")}>{t("portal.no_links_next")}</EmptyState>}
        />
      </Card>
    </>
  );
}

function Clicks({ siteId }: { siteId: string }) {
  const t = useT();
  const f = useFormat();
  const clicks = useApi<ClickBreakdown>("/api/v1/portal/clicks", { site_id: siteId, group_by: "day", days: 30 });
  const columns: Column<ClickBreakdown["data"][number]>[] = [
    { key: "key", label: t("portal.day"), value: (r) => r.key, render: (r) => f.day(r.key) },
    { key: "clicks", label: t("partners.clicks"), value: (r) => r.clicks, kind: "number" },
    { key: "visitors", label: t("portal.visitors"), value: (r) => r.visitors, kind: "number" },
  ];
  return (
    <Card title={t("portal.clicks_30d")}>
      {clicks.error ? (
        <LoadError error={clicks.error} retry={() => clicks.mutate()} />
      ) : !clicks.data ? (
        <Loading />
      ) : (
        <DataTable
          caption={t("portal.clicks_30d")}
          columns={columns}
          rows={clicks.data.data}
          rowKey={(r) => r.key}
          exportName="clicks"
          empty={<EmptyState title={t("portal.no_clicks")}>{t("portal.no_clicks_next")}</EmptyState>}
        />
      )}
    </Card>
  );
}

function Commissions({ siteId }: { siteId: string }) {
  const t = useT();
  const f = useFormat();
  const list = useApi<Page<Commission>>("/api/v1/portal/commissions", { site_id: siteId, from: 0, limit: 1000 });
  const columns: Column<Commission>[] = [
    { key: "order_id", label: t("partners.order"), value: (c) => c.order_id },
    {
      key: "kind",
      label: t("partners.kind"),
      value: (c) => c.kind,
      render: (c) => t(`partners.kinds.${c.kind}` as "partners.kinds.referral", { defaultValue: c.kind }),
    },
    {
      key: "status",
      label: t("common.status"),
      value: (c) => c.status,
      render: (c) => t(`partners.commission_status.${c.status}`),
    },
    { key: "amount", label: t("partners.amount"), value: (c) => c.amount, kind: "money" },
    {
      key: "purchase_time",
      label: t("partners.purchased"),
      value: (c) => c.purchase_time,
      render: (c) => f.dateTime(c.purchase_time),
    },
  ];
  return (
    <Card title={t("partners.sections.commissions")}>
      {list.error ? (
        <LoadError error={list.error} retry={() => list.mutate()} />
      ) : !list.data ? (
        <Loading />
      ) : (
        <DataTable
          caption={t("partners.sections.commissions")}
          columns={columns}
          rows={list.data.data}
          rowKey={(c) => c.id}
          exportName="commissions"
          empty={<EmptyState title={t("partners.no_commissions")}>{t("portal.no_commissions_next")}</EmptyState>}
        />
      )}
    </Card>
  );
}

function Payouts({ siteId }: { siteId: string }) {
  const t = useT();
  const f = useFormat();
  const list = useApi<Page<Payout>>("/api/v1/portal/payouts", { site_id: siteId, from: 0, limit: 1000 });
  const columns: Column<Payout>[] = [
    {
      key: "created_at",
      label: t("common.created"),
      value: (p) => p.created_at,
      render: (p) => f.dateTime(p.created_at),
    },
    { key: "amount", label: t("partners.amount"), value: (p) => p.amount, kind: "money" },
    {
      key: "status",
      label: t("common.status"),
      value: (p) => p.status,
      render: (p) => t(`partners.payout_status.${p.status}`),
    },
    { key: "reference", label: t("partners.reference"), value: (p) => p.reference },
    {
      key: "paid_at",
      label: t("partners.paid_at"),
      value: (p) => p.paid_at ?? "",
      render: (p) => (p.paid_at ? f.dateTime(p.paid_at) : ""),
    },
  ];
  return (
    <Card title={t("partners.sections.payouts")}>
      {list.error ? (
        <LoadError error={list.error} retry={() => list.mutate()} />
      ) : !list.data ? (
        <Loading />
      ) : (
        <DataTable
          caption={t("partners.sections.payouts")}
          columns={columns}
          rows={list.data.data}
          rowKey={(p) => p.id}
          exportName="payouts"
          empty={<EmptyState title={t("partners.no_payouts")}>{t("portal.no_payouts_next")}</EmptyState>}
        />
      )}
    </Card>
  );
}
