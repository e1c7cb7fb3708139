// Saved goals: what a funnel step, a journey anchor or a conversion can be (GET/POST/DELETE
// /api/v1/goals). Admins define them here; the API's issues land next to the field at fault.
import { useState } from "preact/hooks";
import type { Goal, GoalKind } from "../../api/analysis-types";
import { ApiError } from "../../api/client";
import { useRefresh, useSiteApi } from "../../api/hooks";
import { type Column, DataTable } from "../../components/DataTable";
import { Field, FormError, SelectField, Submit } from "../../components/Field";
import { Card, EmptyState, LoadError, Loading } from "../../components/ui";
import { useApiClient, useCan, useFormat, useSite, useT } from "../../context";
import { useForm } from "../../lib/form";

const KINDS: GoalKind[] = ["page", "event", "signup", "purchase"];

export default function Goals() {
  const t = useT();
  const f = useFormat();
  const canManage = useCan("manage");
  const api = useApiClient();
  const { siteId } = useSite();
  const refresh = useRefresh();
  const goals = useSiteApi<{ data: Goal[] }>("/api/v1/goals");

  const form = useForm({ name: "", kind: "page", path: "", event_name: "", min_revenue: "" }, async (v) => {
    const body: Record<string, unknown> = { name: v.name, kind: v.kind };
    if (v.kind === "page") body.path = v.path;
    if (v.kind === "event") body.event_name = v.event_name;
    if (v.kind === "purchase" && v.min_revenue !== "") body.min_revenue = Number(v.min_revenue);
    await api.send("POST", "/api/v1/goals", body, { site_id: siteId });
    form.reset();
    await refresh("/api/v1/goals");
  });
  const [removeError, setRemoveError] = useState<ApiError | null>(null);
  const remove = async (g: Goal) => {
    if (!confirm(t("conversions.goals.confirm_delete", { name: g.name }))) return;
    setRemoveError(null);
    try {
      await api.send("DELETE", `/api/v1/goals/${encodeURIComponent(g.id)}`, undefined, { site_id: siteId });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setRemoveError(err);
    }
    await refresh("/api/v1/goals");
  };

  const describe = (g: Goal) =>
    g.kind === "page"
      ? (g.path ?? "")
      : g.kind === "event"
        ? (g.event_name ?? "")
        : g.kind === "purchase" && g.min_revenue !== undefined
          ? t("conversions.goals.at_least", { amount: f.money(g.min_revenue) })
          : "";
  const columns: Column<Goal>[] = [
    { key: "name", label: t("conversions.goals.name"), value: (g) => g.name },
    { key: "kind", label: t("conversions.goals.kind"), value: (g) => t(`conversions.goal_kinds.${g.kind}`) },
    { key: "definition", label: t("conversions.goals.definition"), value: describe },
    {
      key: "created_at",
      label: t("conversions.goals.created"),
      value: (g) => g.created_at,
      render: (g) => f.dateTime(g.created_at),
    },
    ...(canManage
      ? [
          {
            key: "actions",
            label: t("common.actions"),
            sortable: false,
            value: () => "",
            render: (g: Goal) => (
              <button
                type="button"
                class="button small"
                onClick={() => void remove(g).catch((err) => console.error("goal delete failed", err))}
              >
                {t("common.remove")}
                <span class="visually-hidden"> {g.name}</span>
              </button>
            ),
          },
        ]
      : []),
  ];

  return (
    <div class="grid-2">
      <Card title={t("conversions.goals.title")}>
        {removeError && <LoadError error={removeError} />}
        {goals.error ? (
          <LoadError error={goals.error} retry={() => goals.mutate()} />
        ) : !goals.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("conversions.goals.title")}
            columns={columns}
            rows={goals.data.data}
            rowKey={(g) => g.id}
            exportName="goals"
            empty={
              <EmptyState title={t("conversions.goals.empty")}>
                <p>{t(canManage ? "conversions.goals.empty_next" : "conversions.goals.empty_ask")}</p>
              </EmptyState>
            }
          />
        )}
      </Card>
      {canManage && (
        <Card title={t("conversions.goals.new")}>
          <form class="stack" onSubmit={form.onSubmit} noValidate>
            <FormError form={form} />
            <Field form={form} name="name" label={t("conversions.goals.name")} required maxLength={100} />
            <SelectField
              form={form}
              name="kind"
              label={t("conversions.goals.kind")}
              options={KINDS.map((k) => ({ value: k, label: t(`conversions.goal_kinds.${k}`) }))}
            />
            {form.values.kind === "page" && (
              <Field
                form={form}
                name="path"
                label={t("conversions.goals.path")}
                hint={t("conversions.goals.path_hint")}
                placeholder="/courses/*"
              />
            )}
            {form.values.kind === "event" && (
              <Field
                form={form}
                name="event_name"
                label={t("conversions.goals.event_name")}
                placeholder="add_to_cart"
              />
            )}
            {form.values.kind === "purchase" && (
              <Field
                form={form}
                name="min_revenue"
                type="number"
                min={0}
                step="any"
                label={t("conversions.goals.min_revenue")}
                hint={t("conversions.goals.min_revenue_hint", { currency: f.currency })}
              />
            )}
            <Submit form={form}>{t("conversions.goals.create")}</Submit>
          </form>
        </Card>
      )}
    </div>
  );
}
