// What every page may read: the API client, the language (with `t`), and the current site with the
// caller's role in it. The shell (signed in) and the share view (a link) provide them.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type ApiClient, createClient } from "./api/client";
import type { MemberSite, Role, Site, User } from "./api/types";
import { formatter, type Formatter } from "./format";
import type { Language, TFunction } from "./i18n";
import { can, type Capability } from "./lib/access";

export interface I18nState {
  language: Language;
  t: TFunction;
  setLanguage: (language: Language) => void;
}
export const I18nContext = createContext<I18nState>(null as unknown as I18nState);
export const useI18n = () => useContext(I18nContext);
export const useT = () => useContext(I18nContext).t;

export const ApiContext = createContext<ApiClient>(createClient());
export const useApiClient = () => useContext(ApiContext);

export interface SiteState {
  siteId: string;
  /** The site's record (currency, time zone, keys…), once loaded. */
  site: Site | undefined;
  role: Role;
  /** Every site the caller may switch to. */
  sites: MemberSite[];
  user: User | null;
  /** A share link: no write controls anywhere. */
  readOnly: boolean;
  setSiteId: (id: string) => void;
}
export const SiteContext = createContext<SiteState>(null as unknown as SiteState);
export const useSite = () => useContext(SiteContext);

/** Whether to show a write control: never on a share link, else by role (lib/access.ts). */
export function useCan(capability: Capability): boolean {
  const { role, readOnly } = useSite();
  return !readOnly && can(role, capability);
}

/** Numbers, money and dates in the UI's language, the site's currency and time zone. */
export function useFormat(): Formatter {
  const { language } = useI18n();
  const site = useContext(SiteContext)?.site;
  return formatter(language, site?.currency ?? "USD", site?.timezone ?? "UTC");
}
