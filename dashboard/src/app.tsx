// The app: language and API providers, public pages (sign-in, invitation, reset, share link) and,
// for everything else, the signed-in shell with the registered pages (pages.ts).
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from "preact-iso";
import { useEffect, useMemo, useState } from "preact/hooks";
import { SWRConfig } from "swr";
import { ApiError } from "./api/client";
import { useApi } from "./api/hooks";
import type { Site, Whoami } from "./api/types";
import { Loading, LoadError, Notice } from "./components/ui";
import { I18nContext, SiteContext, useT } from "./context";
import { changeLanguage, type Language, translator } from "./i18n";
import { PAGE_COMPONENTS, PAGES, PUBLIC_PAGES, visibleTo } from "./pages";
import { Shell } from "./shell";

const PUBLIC = Object.fromEntries(Object.entries(PUBLIC_PAGES).map(([path, load]) => [path, lazy(load)]));
/** The partner portal: signed in, but outside the site shell (a partner reads no site pages). */
const Portal = lazy(() => import("./pages/portal"));
export const PORTAL_PATH = "/portal";
const SITE_KEY = "wf.site";

/** Where a 401 sends the browser: sign in, then come back. */
export function loginPath(): string {
  const here = `${location.pathname}${location.search}`;
  return here === "/" ? "/login" : `/login?next=${encodeURIComponent(here)}`;
}

export function Root({ initialLanguage }: { initialLanguage: Language }) {
  const [language, setLanguageState] = useState(initialLanguage);
  const i18n = useMemo(
    () => ({
      language,
      t: translator(language),
      setLanguage: (next: Language) => void changeLanguage(next).then(() => setLanguageState(next)),
    }),
    [language],
  );
  return (
    <I18nContext.Provider value={i18n}>
      <SWRConfig
        value={{
          revalidateOnFocus: false,
          // Retry only what may pass next time: network failures and server errors.
          shouldRetryOnError: (err: unknown) => !(err instanceof ApiError) || err.status === 0 || err.status >= 500,
          errorRetryCount: 2,
          // A session that ended mid-visit (expired, signed out elsewhere): sign in again, then return.
          onError: (err: unknown) => {
            if (err instanceof ApiError && err.status === 401 && !(location.pathname in PUBLIC_PAGES)) {
              location.assign(loginPath());
            }
          },
        }}
      >
        <LocationProvider>
          <App />
        </LocationProvider>
      </SWRConfig>
    </I18nContext.Provider>
  );
}

function App() {
  const { path } = useLocation();
  const Public = PUBLIC[path];
  return (
    <ErrorBoundary onError={(err) => console.error("page failed", err)}>
      {Public ? <Public /> : path === PORTAL_PATH ? <Portal /> : <SignedIn />}
    </ErrorBoundary>
  );
}

function storedSite(): string | null {
  try {
    return localStorage.getItem(SITE_KEY);
  } catch {
    return null;
  }
}

/** The signed-in person's shell: who they are, which site, then the page. */
function SignedIn() {
  const t = useT();
  const { route } = useLocation();
  const session = useApi<Whoami>("/api/v1/session", undefined, { shouldRetryOnError: false });
  const unauthorized = session.error?.status === 401;
  useEffect(() => {
    if (unauthorized) route(loginPath(), true);
  }, [unauthorized]);

  const sites = (session.data?.sites ?? []).filter((s) => s.role !== "partner");
  // Someone who is only a partner has no site pages to read: their place is the portal.
  const partner = (session.data?.sites ?? []).some((s) => s.role === "partner");
  const partnerOnly = sites.length === 0 && partner;
  useEffect(() => {
    if (partnerOnly) route(PORTAL_PATH, true);
  }, [partnerOnly]);
  const [chosen, setChosen] = useState(storedSite);
  const current = sites.find((s) => s.id === chosen) ?? sites[0];
  const site = useApi<Site>(current ? `/api/v1/sites/${current.id}` : null);

  if (session.error && !unauthorized) return <LoadError error={session.error} retry={() => session.mutate()} />;
  if (!session.data) return <Loading />;
  if (session.data.kind !== "user") {
    return <Notice kind="warning">{t("shell.not_a_person")}</Notice>;
  }
  if (!current) {
    return (
      <Shell sites={[]} user={session.data.user}>
        <Notice kind="info">{t("shell.no_sites")}</Notice>
      </Shell>
    );
  }
  const state = {
    siteId: current.id,
    site: site.data?.id === current.id ? site.data : undefined,
    role: current.role,
    sites,
    user: session.data.user,
    readOnly: false,
    setSiteId: (id: string) => {
      setChosen(id);
      try {
        localStorage.setItem(SITE_KEY, id);
      } catch (err) {
        console.warn("could not remember the site", err);
      }
    },
  };
  return (
    <SiteContext.Provider value={state}>
      <Shell sites={sites} user={session.data.user} partner={partner}>
        {site.error ? (
          <LoadError error={site.error} retry={() => site.mutate()} />
        ) : !state.site ? (
          <Loading />
        ) : (
          <Router onRouteChange={() => document.getElementById("main")?.focus()}>
            {[
              ...PAGES.filter((p) => visibleTo(p, current.role)).map((p) => (
                <Route key={p.id} path={p.path} component={PAGE_COMPONENTS[p.id]!} />
              )),
              <Route key="404" default component={NotFound} />,
            ]}
          </Router>
        )}
      </Shell>
    </SiteContext.Provider>
  );
}

function NotFound() {
  const t = useT();
  return (
    <>
      <h1>{t("shell.not_found")}</h1>
      <p>
        <a href="/">{t("shell.go_overview")}</a>
      </p>
    </>
  );
}
