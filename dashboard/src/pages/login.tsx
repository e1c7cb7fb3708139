// /login: email and password, or a one-time sign-in link (/login?token=…, made by POST
// /api/v1/users and printed by `npm start`). The link is spent through the API's GET
// /api/v1/auth/sign-in, whose redirect lands on /api/v1/session: one request signs in and says who.
import { useLocation } from "preact-iso";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiError } from "../api/client";
import { useRefresh } from "../api/hooks";
import type { SignedIn, Whoami } from "../api/types";
import { AuthLayout } from "../components/AuthLayout";
import { Field, FormError, Submit } from "../components/Field";
import { LoadError, Loading, Notice } from "../components/ui";
import { useApiClient, useT } from "../context";
import { useForm } from "../lib/form";
import { safeNext } from "../lib/paths";

export default function Login() {
  const t = useT();
  const api = useApiClient();
  const refresh = useRefresh();
  const { query, route } = useLocation();
  const next = safeNext(query.next);
  const [linkError, setLinkError] = useState<ApiError | null>(null);
  const spent = useRef(false);

  useEffect(() => {
    if (!query.token || spent.current) return;
    spent.current = true; // a one-time token: never send it twice
    api
      .get<Whoami>("/api/v1/auth/sign-in", { token: query.token, next: "/api/v1/session" })
      .then(async () => {
        await refresh("/api/v1/session");
        route(next, true);
      })
      .catch((err: ApiError) => {
        setLinkError(err);
        route(next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`, true);
      });
  }, [query.token]);

  const form = useForm({ email: "", password: "" }, async (v) => {
    const signed = await api.send<SignedIn>("POST", "/api/v1/auth/login", {
      email: v.email,
      password: v.password,
      next,
    });
    await refresh("/api/v1/session");
    route(safeNext(signed.redirect_to), true);
  });

  if (query.token && !linkError) {
    return (
      <AuthLayout title={t("login.title")}>
        <Loading />
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={t("login.title")}>
      {linkError && <LoadError error={linkError} />}
      {query.joined && <Notice kind="success">{t("invite.joined_sign_in")}</Notice>}
      <form onSubmit={form.onSubmit} noValidate>
        <FormError form={form} />
        <Field form={form} name="email" label={t("fields.email")} type="email" autoComplete="username" required />
        <Field
          form={form}
          name="password"
          label={t("fields.password")}
          type="password"
          autoComplete="current-password"
          required
        />
        <Submit form={form}>{t("login.submit")}</Submit>
      </form>
      <p>
        <a href="/reset-password">{t("login.forgot")}</a>
      </p>
    </AuthLayout>
  );
}
