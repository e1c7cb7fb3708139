// Payouts: batch approved commissions into payouts (admins), mark one paid with its bank or payment
// reference, and the finance team's CSV straight from the API (with partner names and emails).
import { useEffect, useRef, useState } from "preact/hooks";
import { withQuery } from "../../api/client";
import { useRefresh, useSiteApi } from "../../api/hooks";
import type { Page, Payout } from "../../api/partner-types";
import { Field, FormError, Submit } from "../../components/Field";
import { type Column, DataTable } from "../../components/DataTable";
import { Card, EmptyState, LoadError, Loading, Notice } from "../../components/ui";
import { useApiClient, useCan, useFormat, useI18n, useSite } from "../../context";
import { failureText } from "../../lib/failure";
import { useForm } from "../../lib/form";
import { LIST_LIMIT } from "./commissions";

export function Payouts() {
  const { t, language } = useI18n();
  const f = useFormat();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const canManage = useCan("manage");
  const list = useSiteApi<Page<Payout>>("/api/v1/payouts", { from: 0, limit: LIST_LIMIT });
  const [paying, setPaying] = useState<Payout | null>(null);
  const [message, setMessage] = useState<{ kind: "success" | "error" | "info"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const made = await api.send<{ data: Payout[] }>("POST", "/api/v1/payouts", {}, { site_id: siteId });
      setMessage(
        made.data.length
          ? { kind: "success", text: t("partners.payouts_created", { count: made.data.length }) }
          : { kind: "info", text: t("partners.payouts_none_due") },
      );
      await refresh("/api/v1/payouts");
      await refresh("/api/v1/commissions");
    } catch (err) {
      setMessage({ kind: "error", text: failureText(t, language, err) });
    } finally {
      setBusy(false);
    }
  };

  const columns: Column<Payout>[] = [
    { key: "partner_name", label: t("partners.partner"), value: (p) => p.partner_name ?? p.partner_id },
    { key: "amount", label: t("partners.amount"), value: (p) => p.amount, kind: "money" },
    { key: "commissions", label: t("partners.commission_count"), value: (p) => p.commissions, kind: "number" },
    {
      key: "status",
      label: t("common.status"),
      value: (p) => p.status,
      render: (p) => t(`partners.payout_status.${p.status}`),
    },
    {
      key: "created_at",
      label: t("common.created"),
      value: (p) => p.created_at,
      render: (p) => f.dateTime(p.created_at),
    },
    {
      key: "paid",
      label: t("partners.paid_at"),
      value: (p) => p.paid_at ?? "",
      render: (p) =>
        p.status === "paid" ? (
          <span data-paid={p.id}>
            {f.dateTime(p.paid_at!)} · <code>{p.reference}</code>
          </span>
        ) : canManage ? (
          <button type="button" class="button small" onClick={() => setPaying(p)}>
            {t("partners.mark_paid")}
          </button>
        ) : (
          t("partners.payout_status.pending")
        ),
    },
  ];

  return (
    <>
      <Card
        title={t("partners.sections.payouts")}
        actions={
          <div class="card-actions">
            <a
              class="button small"
              href={withQuery("/api/v1/payouts", { site_id: siteId, format: "csv", from: 0 })}
              download
            >
              {t("partners.finance_csv")}
            </a>
            {canManage && (
              <button
                type="button"
                class="button small primary"
                onClick={create}
                disabled={busy}
                aria-busy={busy || undefined}
              >
                {t("partners.create_payouts")}
              </button>
            )}
          </div>
        }
      >
        <p class="hint">{t("partners.payouts_hint")}</p>
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
        {paying && (
          <MarkPaid
            payout={paying}
            done={async (paid) => {
              setPaying(null);
              if (paid)
                setMessage({
                  kind: "success",
                  text: t("partners.marked_paid", { name: paid.partner_name ?? paid.partner_id }),
                });
              await refresh("/api/v1/payouts");
            }}
          />
        )}
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
            empty={<EmptyState title={t("partners.no_payouts")}>{t("partners.no_payouts_next")}</EmptyState>}
          />
        )}
      </Card>
    </>
  );
}

function MarkPaid({ payout, done }: { payout: Payout; done: (paid: Payout | null) => void }) {
  const { t } = useI18n();
  const f = useFormat();
  const api = useApiClient();
  const { siteId } = useSite();
  const box = useRef<HTMLFormElement>(null);
  const form = useForm({ reference: "" }, async (v) => {
    const paid = await api.send<Payout>(
      "POST",
      `/api/v1/payouts/${payout.id}/paid`,
      { reference: v.reference },
      { site_id: siteId },
    );
    done(paid);
  });
  useEffect(() => box.current?.querySelector("input")?.focus(), []);
  return (
    <form ref={box} onSubmit={form.onSubmit} noValidate class="inline-form" aria-label={t("partners.mark_paid")}>
      <p>
        {t("partners.mark_paid_for", {
          name: payout.partner_name ?? payout.partner_id,
          amount: f.money(payout.amount),
        })}
      </p>
      <FormError form={form} />
      <Field
        form={form}
        name="reference"
        label={t("partners.reference")}
        hint={t("partners.reference_hint")}
        required
      />
      <div class="form-actions">
        <Submit form={form}>{t("partners.mark_paid")}</Submit>
        <button type="button" class="button" onClick={() => done(null)}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
