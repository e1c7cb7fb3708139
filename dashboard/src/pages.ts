// The pages registry: every page of the dashboard, in navigation order. To add a page, write
// src/pages/<name>.tsx (a default-exported component) and add an entry here: the router, the
// navigation, the share view and role checks all read this list (dashboard/README.md).
import type { ComponentType } from "preact";
import { lazy } from "preact-iso";
import type { Role, SharePage } from "./api/types";
import type en from "./locales/en.json";

/** Route params (e.g. `section` for "/settings/:section?"). */
export interface PageProps {
  params: Record<string, string | undefined>;
}

type NavKey = `nav.${keyof (typeof en)["nav"]}`;

export interface PageDef {
  id: string;
  /** preact-iso route pattern, e.g. "/settings/:section?". */
  path: string;
  /** Where the navigation link points (default: `path`). */
  href?: string;
  /** Catalog key of its name in the navigation. */
  title: NavKey;
  /** Navigation group. */
  group: "reports" | "setup";
  load: () => Promise<{ default: ComponentType<PageProps> }>;
  /** The share-link page it belongs to (README "People, roles and share links"); none: not shared. */
  share?: SharePage;
  /** Who sees it (default: every member role). The API enforces access on its own. */
  roles?: readonly Role[];
}

export const PAGES: readonly PageDef[] = [
  {
    id: "overview",
    path: "/",
    title: "nav.overview",
    group: "reports",
    load: () => import("./pages/overview"),
    share: "overview",
  },
  {
    id: "acquisition",
    path: "/acquisition",
    title: "nav.acquisition",
    group: "reports",
    load: () => import("./pages/acquisition"),
    share: "traffic",
  },
  {
    id: "conversions",
    path: "/conversions/:section?",
    href: "/conversions",
    title: "nav.conversions",
    group: "reports",
    load: () => import("./pages/conversions"),
  },
  {
    id: "attribution",
    path: "/attribution",
    title: "nav.attribution",
    group: "reports",
    load: () => import("./pages/attribution"),
  },
  {
    id: "roi",
    path: "/roi",
    title: "nav.roi",
    group: "reports",
    load: () => import("./pages/roi"),
    share: "roi",
  },
  {
    id: "partners",
    path: "/partners/:section?",
    href: "/partners",
    title: "nav.partners",
    group: "reports",
    load: () => import("./pages/partners"),
  },
  {
    id: "recommendations",
    path: "/recommendations",
    title: "nav.recommendations",
    group: "reports",
    load: () => import("./pages/recommendations"),
    share: "recommendations",
  },
  {
    id: "reports",
    path: "/reports/:section?",
    href: "/reports",
    title: "nav.reports",
    group: "setup",
    load: () => import("./pages/reports"),
  },
  {
    id: "settings",
    path: "/settings/:section?",
    href: "/settings",
    title: "nav.settings",
    group: "setup",
    load: () => import("./pages/settings"),
  },
  {
    id: "content",
    path: "/content",
    title: "nav.content",
    group: "reports",
    load: () => import("./pages/content"),
  },
  {
    id: "experiments",
    path: "/experiments/:key?",
    href: "/experiments",
    title: "nav.experiments",
    group: "reports",
    load: () => import("./pages/experiments"),
  },
];

/** Pages without a session: each renders on its own, outside the shell. */
export const PUBLIC_PAGES: Readonly<Record<string, () => Promise<{ default: ComponentType }>>> = {
  "/login": () => import("./pages/login"),
  "/invite": () => import("./pages/invite"),
  "/reset-password": () => import("./pages/reset-password"),
  "/share": () => import("./pages/share"),
};

export const pageHref = (p: PageDef) => p.href ?? p.path;

export const visibleTo = (p: PageDef, role: Role) => !p.roles || p.roles.includes(role);

/** Whether `path` (the current location) is within page `p` (for aria-current). */
export function isCurrent(p: PageDef, path: string): boolean {
  const href = pageHref(p);
  return href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
}

/** Each page's lazily loaded component (one chunk per page), shared by the shell and the share view. */
export const PAGE_COMPONENTS: Readonly<Record<string, ComponentType<PageProps>>> = Object.fromEntries(
  PAGES.map((p) => [p.id, lazy(p.load)]),
);
