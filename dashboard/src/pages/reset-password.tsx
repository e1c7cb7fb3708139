// /reset-password: ask for a reset link by email; /reset-password?token=…: choose a new password
// (the API then signs out every session and signs this one in).
import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";
import { ApiError } from "../api/client";
import { useRefresh } from "../api/hooks";
import { AuthLayout } from "../components/AuthLayout";
import { Field, FormError, Submit } from "../components/Field";
import { Notice } from "../components/ui";
import { useApiClient, useT } from "../context";
import { useForm } from "../lib/form";

function RequestLink() {
  const t = useT();
  const api = useApiClient();
  const [sent, setSent] = useState(false);
  const form = useForm({ email: "" }, async (v) => {
    await api.send("POST", "/api/v1/auth/password-reset", { email: v.email });
    setSent(true);
  });
  if (sent) return <Notice kind="success">{t("reset.sent")}</Notice>;
  return (
    <form onSubmit={form.onSubmit} noValidate>
      <p>{t("reset.intro")}</p>
      <FormError form={form} />
      <Field form={form} name="email" label={t("fields.email")} type="email" autoComplete="email" required />
      <Submit form={form}>{t("reset.send")}</Submit>
    </form>
  );
}

function ChoosePassword({ token }: { token: string }) {
  const t = useT();
  const api = useApiClient();
  const refresh = useRefresh();
  const { route } = useLocation();
  const form = useForm({ password: "", confirm: "" }, async (v) => {
    if (v.password !== v.confirm) {
      // Checked here, shown the same way as the API's own issues.
      throw new ApiError(400, "validation_failed", t("reset.mismatch"), [
        { path: "confirm", message: t("reset.mismatch") },
      ]);
    }
    await api.send("POST", "/api/v1/auth/password-reset/confirm", { token, password: v.password });
    await refresh("/api/v1/session");
    route("/", true);
  });
  return (
    <form onSubmit={form.onSubmit} noValidate>
      <FormError form={form} />
      <Field
        form={form}
        name="password"
        label={t("fields.new_password")}
        hint={t("fields.password_rule")}
        type="password"
        autoComplete="new-password"
        required
      />
      <Field
        form={form}
        name="confirm"
        label={t("fields.confirm_password")}
        type="password"
        autoComplete="new-password"
        required
      />
      <Submit form={form}>{t("reset.save")}</Submit>
    </form>
  );
}

export default function ResetPassword() {
  const t = useT();
  const { query } = useLocation();
  return (
    <AuthLayout title={t("reset.title")}>
      {query.token ? <ChoosePassword token={query.token} /> : <RequestLink />}
      <p>
        <a href="/login">{t("reset.back")}</a>
      </p>
    </AuthLayout>
  );
}
