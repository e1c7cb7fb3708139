// Read-only share links (admins): the link is shown once with its token in the #fragment; revoking
// stops it at once.
import { useState } from "preact/hooks";
import { useRefresh, useSiteApi } from "../../api/hooks";
import type { SharePage, ShareLink } from "../../api/types";
import { CheckboxField, Field, FieldError, FormError, Submit } from "../../components/Field";
import { type Column, DataTable } from "../../components/DataTable";
import { Card, CopyButton, EmptyState, LoadError, Loading, Notice } from "../../components/ui";
import { useApiClient, useFormat, useI18n, useSite } from "../../context";
import { failureText } from "../../lib/failure";
import { useForm } from "../../lib/form";

const SHARE_PAGES: SharePage[] = ["overview", "traffic", "roi", "courses", "recommendations", "partners"];

export function ShareLinks() {
  const { t, language } = useI18n();
  const f = useFormat();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId } = useSite();
  const links = useSiteApi<{ data: ShareLink[] }>("/api/v1/share-links");
  const [made, setMade] = useState<(ShareLink & { url: string }) | null>(null);
  const initial = {
    name: "",
    expires_in_days: "",
    ...Object.fromEntries(SHARE_PAGES.map((p) => [p, p === "overview" || p === "roi"])),
  };
  const form = useForm(
    initial as Record<string, string | boolean> & { name: string; expires_in_days: string },
    async (v) => {
      const pages = SHARE_PAGES.filter((p) => v[p]);
      const link = await api.send<ShareLink & { url: string }>(
        "POST",
        "/api/v1/share-links",
        {
          name: v.name,
          pages: pages.length ? pages : undefined,
          expires_in_days: v.expires_in_days ? Number(v.expires_in_days) : undefined,
        },
        { site_id: siteId },
      );
      setMade(link);
      form.reset();
      await refresh("/api/v1/share-links");
    },
  );
  const revoke = async (l: ShareLink) => {
    if (!confirm(t("settings.share.confirm_revoke", { name: l.name }))) return;
    try {
      await api.send("DELETE", `/api/v1/share-links/${l.id}`, undefined, { site_id: siteId });
    } catch (err) {
      alert(failureText(t, language, err));
    }
    await refresh("/api/v1/share-links");
  };
  const columns: Column<ShareLink>[] = [
    { key: "name", label: t("fields.name"), value: (l) => l.name },
    {
      key: "pages",
      label: t("settings.share.pages"),
      value: (l) => l.pages.join(" "),
      render: (l) => l.pages.map((p) => t(`share_pages.${p}`)).join(", "),
    },
    {
      key: "expires_at",
      label: t("settings.share.expires"),
      value: (l) => l.expires_at,
      render: (l) => (l.expires_at ? f.dateTime(l.expires_at) : t("settings.share.never")),
    },
    {
      key: "status",
      label: t("common.status"),
      value: (l) => (l.revoked_at ? "revoked" : "active"),
      render: (l) =>
        l.revoked_at ? (
          t("settings.share.revoked")
        ) : (
          <button type="button" class="button small danger" onClick={() => revoke(l)}>
            {t("settings.share.revoke")}
          </button>
        ),
    },
  ];
  return (
    <>
      <Card title={t("settings.share.create")}>
        {made && (
          <Notice kind="success">
            <p>{t("settings.share.shown_once")}</p>
            <p class="secret">
              <code>{made.url}</code> <CopyButton text={made.url} />
            </p>
          </Notice>
        )}
        <form onSubmit={form.onSubmit} noValidate>
          <FormError form={form} />
          <div class="form-grid">
            <Field form={form} name="name" label={t("fields.name")} hint={t("settings.share.name_hint")} required />
            <Field
              form={form}
              name="expires_in_days"
              label={t("settings.share.expires_in_days")}
              hint={t("settings.share.expires_hint")}
              type="number"
              min={1}
              max={3650}
            />
          </div>
          <fieldset class="checks">
            <legend>{t("settings.share.pages")}</legend>
            {SHARE_PAGES.map((p) => (
              <CheckboxField key={p} form={form} name={p} label={t(`share_pages.${p}`)} />
            ))}
            <FieldError form={form} name="pages" />
          </fieldset>
          <Submit form={form}>{t("settings.share.create")}</Submit>
        </form>
      </Card>
      <Card title={t("settings.share.title")}>
        {links.error ? (
          <LoadError error={links.error} retry={() => links.mutate()} />
        ) : !links.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("settings.share.title")}
            columns={columns}
            rows={links.data.data}
            rowKey={(l) => l.id}
            exportName="share-links"
            empty={<EmptyState title={t("settings.share.empty")}>{t("settings.share.empty_next")}</EmptyState>}
          />
        )}
      </Card>
    </>
  );
}
