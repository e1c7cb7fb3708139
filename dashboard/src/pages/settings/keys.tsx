// Secret API keys: list, create (the key is shown once, then only its prefix), revoke.
import { useState } from "preact/hooks";
import { useRefresh, useSiteApi } from "../../api/hooks";
import type { ApiKey } from "../../api/types";
import { CheckboxField, Field, FieldError, FormError, Submit } from "../../components/Field";
import { type Column, DataTable } from "../../components/DataTable";
import { Card, CopyButton, EmptyState, LoadError, Loading, Notice } from "../../components/ui";
import { useApiClient, useFormat, useI18n, useSite } from "../../context";
import { failureText } from "../../lib/failure";
import { useForm } from "../../lib/form";

const SCOPES = ["read", "ingest", "admin"] as const;

export function ApiKeys() {
  const { t, language } = useI18n();
  const f = useFormat();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const path = `/api/v1/sites/${siteId}/keys`;
  const keys = useSiteApi<{ data: ApiKey[] }>(path);
  const [created, setCreated] = useState<(ApiKey & { key: string }) | null>(null);
  const form = useForm({ name: "", read: true, ingest: false, admin: false }, async (v) => {
    const made = await api.send<ApiKey & { key: string }>("POST", path, {
      name: v.name,
      scopes: SCOPES.filter((s) => v[s]),
    });
    setCreated(made);
    form.reset();
    await refresh(path);
  });
  const revoke = async (key: ApiKey) => {
    if (!confirm(t("settings.keys.confirm_revoke", { name: key.name }))) return;
    try {
      await api.send("DELETE", `${path}/${key.id}`);
    } catch (err) {
      alert(failureText(t, language, err));
    }
    await refresh(path);
  };
  const columns: Column<ApiKey>[] = [
    { key: "name", label: t("fields.name"), value: (k) => k.name },
    {
      key: "prefix",
      label: t("settings.keys.prefix"),
      value: (k) => `${k.prefix}…`,
      render: (k) => <code>{k.prefix}…</code>,
    },
    {
      key: "scopes",
      label: t("settings.keys.scopes"),
      value: (k) => k.scopes.join(" "),
      render: (k) => k.scopes.map((s) => t(`scopes.${s}`)).join(", "),
    },
    {
      key: "created_at",
      label: t("common.created"),
      value: (k) => k.created_at,
      render: (k) => f.dateTime(k.created_at),
    },
    {
      key: "status",
      label: t("common.status"),
      value: (k) => (k.revoked_at ? "revoked" : "active"),
      render: (k) =>
        k.revoked_at ? (
          t("settings.keys.revoked_at", { time: f.dateTime(k.revoked_at) })
        ) : (
          <button type="button" class="button small danger" onClick={() => revoke(k)}>
            {t("settings.keys.revoke")}
          </button>
        ),
    },
  ];
  return (
    <>
      <Card title={t("settings.keys.create")}>
        {created && (
          <Notice kind="success">
            <p>{t("settings.keys.shown_once", { name: created.name })}</p>
            <p class="secret">
              <code>{created.key}</code> <CopyButton text={created.key} />
            </p>
          </Notice>
        )}
        <form onSubmit={form.onSubmit} noValidate>
          <FormError form={form} />
          <Field form={form} name="name" label={t("fields.name")} hint={t("settings.keys.name_hint")} required />
          <fieldset class="checks">
            <legend>{t("settings.keys.scopes")}</legend>
            {SCOPES.map((s) => (
              <CheckboxField
                key={s}
                form={form}
                name={s}
                label={t(`scopes.${s}`)}
                hint={t(`settings.keys.scope_hints.${s}`)}
              />
            ))}
            <FieldError form={form} name="scopes" />
          </fieldset>
          <Submit form={form}>{t("settings.keys.create")}</Submit>
        </form>
      </Card>
      <Card title={t("settings.keys.title")}>
        {keys.error ? (
          <LoadError error={keys.error} retry={() => keys.mutate()} />
        ) : !keys.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("settings.keys.title")}
            columns={columns}
            rows={keys.data.data}
            rowKey={(k) => k.id}
            exportName="api-keys"
            empty={<EmptyState title={t("settings.keys.empty")}>{t("settings.keys.empty_next")}</EmptyState>}
          />
        )}
      </Card>
    </>
  );
}
