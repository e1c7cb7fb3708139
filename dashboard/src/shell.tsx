// The signed-in frame: skip link, header (site switcher, language, account), navigation from the
// pages registry (a sidebar on wide screens, a drawer on phones) and the main region.
import type { ComponentChildren } from "preact";
import { useLocation } from "preact-iso";
import { useContext, useEffect, useId, useRef, useState } from "preact/hooks";
import { useSWRConfig } from "swr";
import { SiteContext, type SiteState, useApiClient, useI18n, useSite, useT } from "./context";
import { LANGUAGES, type Language } from "./i18n";
import type { MemberSite, User } from "./api/types";
import { isCurrent, PAGES, pageHref, visibleTo } from "./pages";

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  const id = useId();
  return (
    <div class="lang-switch">
      <label for={id} class="visually-hidden">
        {t("shell.language")}
      </label>
      <select
        id={id}
        value={language}
        onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value as Language)}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`languages.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

function SiteSwitcher({ sites }: { sites: MemberSite[] }) {
  const t = useT();
  const { siteId, setSiteId } = useSite();
  const id = useId();
  if (sites.length === 0) return null;
  return (
    <div class="site-switch">
      <label for={id}>{t("shell.site")}</label>
      {sites.length === 1 ? (
        <span id={id} class="site-name">
          {sites[0]!.name}
        </span>
      ) : (
        <select id={id} value={siteId} onChange={(e) => setSiteId((e.currentTarget as HTMLSelectElement).value)}>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.domain})
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

export function Account({ user }: { user: User | null }) {
  const t = useT();
  const api = useApiClient();
  const { mutate } = useSWRConfig();
  const signOut = async () => {
    try {
      await api.send("POST", "/api/v1/auth/logout");
    } catch (err) {
      console.error("sign-out failed", err); // the cookie may be gone already: go to sign-in anyway
    }
    await mutate(() => true, undefined, { revalidate: false });
    location.assign("/login");
  };
  return (
    <div class="account">
      {user && (
        <span class="account-email" title={user.email}>
          {user.name || user.email}
        </span>
      )}
      <button type="button" class="button small" onClick={signOut}>
        {t("shell.sign_out")}
      </button>
    </div>
  );
}

function Nav({ open, onNavigate }: { open: boolean; onNavigate: () => void }) {
  const t = useT();
  const { path } = useLocation();
  // No site context in the "no sites" shell.
  const site = useContext(SiteContext) as SiteState | null;
  const groups = ["reports", "setup"] as const;
  return (
    <nav id="nav" class={`sidebar${open ? " open" : ""}`} aria-label={t("shell.navigation")}>
      {groups.map((g) => {
        const pages = PAGES.filter((p) => p.group === g && (!site || visibleTo(p, site.role)));
        if (pages.length === 0) return null;
        return (
          <div class="nav-group" key={g}>
            <h2 class="nav-heading">{t(`nav_groups.${g}`)}</h2>
            <ul>
              {pages.map((p) => (
                <li key={p.id}>
                  <a href={pageHref(p)} aria-current={isCurrent(p, path) ? "page" : undefined} onClick={onNavigate}>
                    {t(p.title)}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}

export function Shell({
  sites,
  user,
  partner = false,
  children,
}: {
  sites: MemberSite[];
  user: User | null;
  /** The person is also a partner of some site: link to their portal. */
  partner?: boolean;
  children: ComponentChildren;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const { path } = useLocation();
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      toggle.current?.focus();
    };
    addEventListener("keydown", onKey);
    document.querySelector<HTMLAnchorElement>("#nav a")?.focus();
    return () => removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <div class="app">
      <a class="skip-link" href="#main">
        {t("shell.skip_to_content")}
      </a>
      <header class="topbar">
        <button
          ref={toggle}
          type="button"
          class="menu-button"
          aria-expanded={open}
          aria-controls="nav"
          onClick={() => setOpen((o) => !o)}
        >
          <span aria-hidden="true">☰</span>
          <span class="visually-hidden">{t("shell.menu")}</span>
        </button>
        <a href="/" class="brand">
          Wayfind
        </a>
        {sites.length > 0 && <SiteSwitcher sites={sites} />}
        <div class="topbar-end">
          {partner && (
            <a href="/portal" class="button small" data-portal-link>
              {t("shell.portal")}
            </a>
          )}
          <LanguageSwitch />
          <Account user={user} />
        </div>
      </header>
      <div class="layout">
        <Nav open={open} onNavigate={() => setOpen(false)} />
        {open && <div class="scrim" aria-hidden="true" onClick={() => setOpen(false)} />}
        {/* While the drawer is open, the page behind it is out of reach (focus and screen readers). */}
        <main id="main" tabIndex={-1} inert={open || undefined}>
          {children}
        </main>
      </div>
    </div>
  );
}
