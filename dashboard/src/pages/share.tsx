// /share#wf_sh_…: a read-only view through a share link. The token rides in the fragment (never
// sent to a server or in a Referer); it is kept in sessionStorage so reloads and in-view navigation
// work. Only the pages the link names are offered (pages.ts `share`), with no write controls.
import { useLocation } from "preact-iso";
import { useMemo } from "preact/hooks";
import { createClient } from "../api/client";
import { useApi } from "../api/hooks";
import type { Site, Whoami } from "../api/types";
import { LoadError, Loading, Notice } from "../components/ui";
import { ApiContext, SiteContext, useT } from "../context";
import { PAGE_COMPONENTS, PAGES } from "../pages";
import { LanguageSwitch } from "../shell";

const STORAGE_KEY = "wf.share";

function shareToken(): string {
  const fromHash = location.hash.slice(1);
  try {
    if (fromHash) sessionStorage.setItem(STORAGE_KEY, fromHash);
    return fromHash || sessionStorage.getItem(STORAGE_KEY) || "";
  } catch {
    return fromHash;
  }
}

export default function Share() {
  const token = useMemo(shareToken, []);
  const api = useMemo(() => createClient(token), [token]);
  return (
    <ApiContext.Provider value={api}>
      <ShareView hasToken={token !== ""} />
    </ApiContext.Provider>
  );
}

function ShareView({ hasToken }: { hasToken: boolean }) {
  const t = useT();
  const { query } = useLocation();
  const who = useApi<Whoami>(hasToken ? "/api/v1/session" : null, undefined, { shouldRetryOnError: false });
  const siteId = who.data?.kind === "share" ? who.data.sites[0]?.id : undefined;
  const site = useApi<Site>(siteId ? `/api/v1/sites/${siteId}` : null);
  const pages = PAGES.filter((p) => p.share && who.data?.pages?.includes(p.share));
  const current = pages.find((p) => p.id === query.view) ?? pages[0];

  let body;
  if (!hasToken || who.error?.status === 401 || (who.data && who.data.kind !== "share")) {
    body = <Notice kind="error">{t("share.invalid")}</Notice>;
  } else if (who.error) body = <LoadError error={who.error} retry={() => who.mutate()} />;
  else if (site.error) body = <LoadError error={site.error} retry={() => site.mutate()} />;
  else if (!who.data || !site.data) body = <Loading />;
  else if (!current) body = <Notice kind="info">{t("share.nothing")}</Notice>;
  else {
    const Page = PAGE_COMPONENTS[current.id]!;
    const state = {
      siteId: site.data.id,
      site: site.data,
      role: "viewer" as const,
      sites: who.data.sites,
      user: null,
      readOnly: true,
      setSiteId: () => undefined,
    };
    body = (
      <SiteContext.Provider value={state}>
        <Page params={{}} />
      </SiteContext.Provider>
    );
  }
  return (
    <div class="app share">
      <a class="skip-link" href="#main">
        {t("shell.skip_to_content")}
      </a>
      <header class="topbar">
        <span class="brand">Wayfind</span>
        {site.data && <span class="site-name">{site.data.name}</span>}
        <span class="badge">{t("share.read_only")}</span>
        <div class="topbar-end">
          <LanguageSwitch />
        </div>
      </header>
      {pages.length > 1 && (
        <nav class="tabs" aria-label={t("shell.navigation")}>
          <ul>
            {pages.map((p) => (
              <li key={p.id}>
                <a href={`/share?view=${p.id}`} aria-current={p === current ? "page" : undefined}>
                  {t(p.title)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1} class="share-main">
        {body}
      </main>
    </div>
  );
}
