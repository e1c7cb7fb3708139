// Commissions by status for the chosen dates (by purchase time): a tile per status with its orders
// and amount, then the records, filtered by status in the URL.
import { useSiteApi } from "../../api/hooks";
import { type Commission, COMMISSION_STATUSES, type Page } from "../../api/partner-types";
import { type Column, DataTable } from "../../components/DataTable";
import { DateRangeFilter, FilterBar, SelectFilter, useDateRange } from "../../components/Filters";
import { Card, EmptyState, Kpi, LoadError, Loading } from "../../components/ui";
import { useFormat, useSite, useT } from "../../context";
import { useQueryState } from "../../lib/url-state";
import { byStatus, dayBounds } from "../../lib/partners";

/** The most records one view lists (the API's page limit is higher; the table stays readable). */
export const LIST_LIMIT = 1000;

export function Commissions() {
  const t = useT();
  const f = useFormat();
  const range = useDateRange();
  const { site } = useSite();
  const [query] = useQueryState();
  const status = COMMISSION_STATUSES.find((s) => s === query.status);
  const list = useSiteApi<Page<Commission>>("/api/v1/commissions", {
    ...dayBounds(range.from, range.to, site?.timezone ?? "UTC"),
    limit: LIST_LIMIT,
  });
  const rows = list.data?.data ?? [];
  const totals = byStatus(rows);
  const shown = status ? rows.filter((r) => r.status === status) : rows;

  const columns: Column<Commission>[] = [
    { key: "order_id", label: t("partners.order"), value: (c) => c.order_id },
    { key: "partner_code", label: t("partners.code"), value: (c) => c.partner_code },
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
    { key: "base", label: t("partners.base"), value: (c) => c.base, kind: "money" },
    { key: "amount", label: t("partners.amount"), value: (c) => c.amount, kind: "money" },
    {
      key: "purchase_time",
      label: t("partners.purchased"),
      value: (c) => c.purchase_time,
      render: (c) => f.dateTime(c.purchase_time),
    },
    {
      key: "hold_until",
      label: t("partners.hold_until"),
      value: (c) => c.hold_until,
      render: (c) => f.dateTime(c.hold_until),
    },
  ];

  return (
    <>
      <FilterBar>
        <DateRangeFilter />
        <SelectFilter
          name="status"
          label={t("common.status")}
          options={[
            { value: "", label: t("partners.all_statuses") },
            ...COMMISSION_STATUSES.map((s) => ({ value: s, label: t(`partners.commission_status.${s}`) })),
          ]}
        />
      </FilterBar>
      {list.error ? (
        <LoadError error={list.error} retry={() => list.mutate()} />
      ) : !list.data ? (
        <Loading />
      ) : (
        <>
          <dl class="kpis">
            {COMMISSION_STATUSES.map((s) => (
              <Kpi
                key={s}
                id={`commissions-${s}`}
                label={t(`partners.commission_status.${s}`)}
                value={f.money(totals[s].amount)}
                raw={totals[s].amount}
              />
            ))}
          </dl>
          <p class="hint">{t("partners.commissions_hint")}</p>
          <Card title={t("partners.sections.commissions")}>
            <DataTable
              caption={t("partners.sections.commissions")}
              columns={columns}
              rows={shown}
              rowKey={(c) => c.id}
              exportName={`commissions-${range.from}-${range.to}`}
              empty={<EmptyState title={t("partners.no_commissions")}>{t("partners.no_commissions_next")}</EmptyState>}
            />
          </Card>
        </>
      )}
    </>
  );
}
