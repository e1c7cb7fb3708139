// The site's people: members (role changes and removal for owners), pending invitations, and
// inviting someone by email (owners). Admins see the lists; the API keeps one owner at least.
import { useState } from "preact/hooks";
import { useRefresh } from "../../api/hooks";
import { useApi } from "../../api/hooks";
import type { Invitation, Member, Role } from "../../api/types";
import { Field, FormError, SelectField, Submit } from "../../components/Field";
import { type Column, DataTable } from "../../components/DataTable";
import { Card, EmptyState, LoadError, Loading, Notice } from "../../components/ui";
import { useApiClient, useCan, useFormat, useI18n, useSite } from "../../context";
import { failureText } from "../../lib/failure";
import { useForm } from "../../lib/form";
import { LANGUAGES } from "../../i18n";

const MEMBER_ROLES = ["owner", "admin", "analyst", "viewer"] as const;

export function Team() {
  const { t, language } = useI18n();
  const f = useFormat();
  const api = useApiClient();
  const refresh = useRefresh();
  const { siteId, user } = useSite();
  const owner = useCan("members");
  const path = `/api/v1/sites/${siteId}/members`;
  const team = useApi<{ data: Member[]; invitations: Invitation[] }>(path);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const act = async (work: () => Promise<unknown>, done: string) => {
    setNotice(null);
    setFailure(null);
    try {
      await work();
      setNotice(done);
    } catch (err) {
      setFailure(failureText(t, language, err));
    }
    await refresh(path);
  };
  const form = useForm({ email: "", role: "viewer", language }, async (v) => {
    await api.send("POST", path, { email: v.email, role: v.role, language: v.language });
    form.reset({ email: "", role: v.role, language: v.language });
    setNotice(t("settings.team.invited", { email: v.email }));
    await refresh(path);
  });

  const roleLabel = (r: Role) => t(`roles.${r}`);
  const memberColumns: Column<Member>[] = [
    { key: "email", label: t("fields.email"), value: (m) => m.email },
    { key: "name", label: t("fields.name"), value: (m) => m.name },
    {
      key: "role",
      label: t("settings.team.role"),
      value: (m) => m.role,
      render: (m) =>
        owner && m.role !== "partner" ? (
          <select
            aria-label={t("settings.team.role_of", { email: m.email })}
            value={m.role}
            onChange={(e) => {
              const role = (e.currentTarget as HTMLSelectElement).value;
              void act(() => api.send("PATCH", `${path}/${m.user_id}`, { role }), t("settings.team.role_changed"));
            }}
          >
            {MEMBER_ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        ) : (
          roleLabel(m.role)
        ),
    },
    {
      key: "joined_at",
      label: t("settings.team.joined"),
      value: (m) => m.joined_at,
      render: (m) => f.dateTime(m.joined_at),
    },
    ...(owner
      ? [
          {
            key: "actions",
            label: t("common.actions"),
            sortable: false,
            value: () => "",
            render: (m: Member) =>
              m.user_id === user?.id ? null : (
                <button
                  type="button"
                  class="button small danger"
                  onClick={() =>
                    confirm(t("settings.team.confirm_remove", { email: m.email })) &&
                    act(() => api.send("DELETE", `${path}/${m.user_id}`), t("settings.team.removed"))
                  }
                >
                  {t("common.remove")}
                </button>
              ),
          } satisfies Column<Member>,
        ]
      : []),
  ];
  const inviteColumns: Column<Invitation>[] = [
    { key: "email", label: t("fields.email"), value: (i) => i.email },
    { key: "role", label: t("settings.team.role"), value: (i) => i.role, render: (i) => roleLabel(i.role) },
    {
      key: "expires_at",
      label: t("settings.team.expires"),
      value: (i) => i.expires_at,
      render: (i) => f.dateTime(i.expires_at),
    },
    ...(owner
      ? [
          {
            key: "actions",
            label: t("common.actions"),
            sortable: false,
            value: () => "",
            render: (i: Invitation) => (
              <button
                type="button"
                class="button small danger"
                onClick={() =>
                  act(
                    () => api.send("DELETE", `/api/v1/sites/${siteId}/invitations/${i.id}`),
                    t("settings.team.withdrawn"),
                  )
                }
              >
                {t("settings.team.withdraw")}
              </button>
            ),
          } satisfies Column<Invitation>,
        ]
      : []),
  ];

  return (
    <>
      {notice && <Notice kind="success">{notice}</Notice>}
      {failure && <Notice kind="error">{failure}</Notice>}
      {owner && (
        <Card title={t("settings.team.invite")}>
          <form onSubmit={form.onSubmit} noValidate>
            <FormError form={form} />
            <div class="form-grid">
              <Field form={form} name="email" label={t("fields.email")} type="email" autoComplete="off" required />
              <SelectField
                form={form}
                name="role"
                label={t("settings.team.role")}
                options={MEMBER_ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
              />
              <SelectField
                form={form}
                name="language"
                label={t("settings.team.email_language")}
                options={LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
              />
            </div>
            <p class="hint">{t("settings.team.roles_hint")}</p>
            <Submit form={form}>{t("settings.team.send_invite")}</Submit>
          </form>
        </Card>
      )}
      {team.error ? (
        <LoadError error={team.error} retry={() => team.mutate()} />
      ) : !team.data ? (
        <Loading />
      ) : (
        <>
          <Card title={t("settings.team.members")}>
            <DataTable
              caption={t("settings.team.members")}
              columns={memberColumns}
              rows={team.data.data}
              rowKey={(m) => m.user_id}
              exportName="members"
            />
          </Card>
          <Card title={t("settings.team.invitations")}>
            <DataTable
              caption={t("settings.team.invitations")}
              columns={inviteColumns}
              rows={team.data.invitations}
              rowKey={(i) => i.id}
              exportName="invitations"
              empty={
                <EmptyState title={t("settings.team.no_invitations")}>
                  {owner ? t("settings.team.no_invitations_next") : null}
                </EmptyState>
              }
            />
          </Card>
        </>
      )}
    </>
  );
}
