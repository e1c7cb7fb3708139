// Settings: one page, a section per URL (/settings/<section>). Sections a role cannot use are not
// offered (lib/access.ts); the API refuses them anyway.
import type { ComponentType } from "preact";
import { useCan, useT } from "../context";
import type { PageProps } from "../pages";
import { PageHeader } from "../components/ui";
import type { Capability } from "../lib/access";
import { SiteSettings } from "./settings/site";
import { ChannelRules } from "./settings/channels";
import { ApiKeys } from "./settings/keys";
import { Team } from "./settings/team";
import { ShareLinks } from "./settings/share-links";
import { Install } from "./settings/install";
import type en from "../locales/en.json";

interface Section {
  id: string;
  title: `settings.sections.${keyof (typeof en)["settings"]["sections"]}`;
  component: ComponentType;
  /** Needed to see the section at all (default: anyone who reads the site). */
  needs?: Capability;
}

const SECTIONS: Section[] = [
  { id: "site", title: "settings.sections.site", component: SiteSettings },
  { id: "channels", title: "settings.sections.channels", component: ChannelRules },
  { id: "install", title: "settings.sections.install", component: Install },
  { id: "keys", title: "settings.sections.keys", component: ApiKeys, needs: "manage" },
  { id: "team", title: "settings.sections.team", component: Team, needs: "manage" },
  { id: "share-links", title: "settings.sections.share_links", component: ShareLinks, needs: "manage" },
];

export default function Settings({ params }: PageProps) {
  const t = useT();
  const canManage = useCan("manage");
  const sections = SECTIONS.filter((s) => !s.needs || (s.needs === "manage" && canManage));
  const current = sections.find((s) => s.id === params.section) ?? sections[0]!;
  const Body = current.component;
  return (
    <>
      <PageHeader title={t("settings.title")} />
      <nav class="tabs" aria-label={t("settings.sections_label")}>
        <ul>
          {sections.map((s) => (
            <li key={s.id}>
              <a href={`/settings/${s.id}`} aria-current={s === current ? "page" : undefined}>
                {t(s.title)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <Body />
    </>
  );
}
