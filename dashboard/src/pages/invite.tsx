// /invite?token=…: accept an emailed invitation. A new person chooses a password and is signed in;
// someone who already has an account just joins and then signs in with their own password.
import { useLocation } from "preact-iso";
import { useRefresh } from "../api/hooks";
import { AuthLayout } from "../components/AuthLayout";
import { Field, FormError, Submit } from "../components/Field";
import { Notice } from "../components/ui";
import { useApiClient, useI18n } from "../context";
import { useForm } from "../lib/form";

interface Accepted {
  site_id: string;
  role: string;
  signed_in: boolean;
}

export default function Invite() {
  const { t, language } = useI18n();
  const api = useApiClient();
  const refresh = useRefresh();
  const { query, route } = useLocation();
  const form = useForm({ name: "", password: "" }, async (v) => {
    const done = await api.send<Accepted>("POST", "/api/v1/invitations/accept", {
      token: query.token ?? "",
      name: v.name || undefined,
      password: v.password || undefined,
      language,
    });
    if (done.signed_in) {
      await refresh("/api/v1/session");
      route("/", true);
    } else {
      route("/login?joined=1", true);
    }
  });
  return (
    <AuthLayout title={t("invite.title")}>
      {!query.token ? (
        <Notice kind="error">{t("invite.no_token")}</Notice>
      ) : (
        <form onSubmit={form.onSubmit} noValidate>
          <p>{t("invite.intro")}</p>
          <FormError form={form} />
          <Field form={form} name="name" label={t("fields.name")} autoComplete="name" />
          <Field
            form={form}
            name="password"
            label={t("fields.new_password")}
            hint={t("invite.password_hint")}
            type="password"
            autoComplete="new-password"
          />
          <Submit form={form}>{t("invite.submit")}</Submit>
        </form>
      )}
    </AuthLayout>
  );
}
