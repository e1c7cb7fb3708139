// Conversions: goals, funnels, retention cohorts and journeys (the analytics API: README "Funnels,
// retention and segments"). One tab per analysis, so a page runs one analysis at a time; the tab,
// the range and each analysis's choices live in the URL.
import { useLocation } from "preact-iso";
import { PageHeader } from "../components/ui";
import { useT } from "../context";
import type { PageProps } from "../pages";
import Funnels from "./conversions/funnels";
import Goals from "./conversions/goals";
import Journeys from "./conversions/journeys";
import Retention from "./conversions/retention";

const SECTIONS = [
  { id: "funnels", component: Funnels },
  { id: "retention", component: Retention },
  { id: "journeys", component: Journeys },
  { id: "goals", component: Goals },
] as const;

export default function Conversions({ params }: PageProps) {
  const t = useT();
  const { query } = useLocation();
  const current = SECTIONS.find((s) => s.id === params.section) ?? SECTIONS[0];
  // The range and other filters follow the reader from tab to tab.
  const qs = new URLSearchParams(query).toString();
  const Body = current.component;
  return (
    <>
      <PageHeader title={t("conversions.title")} />
      <nav class="tabs" aria-label={t("conversions.sections_label")}>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.id}>
              <a href={`/conversions/${s.id}${qs ? `?${qs}` : ""}`} aria-current={s === current ? "page" : undefined}>
                {t(`conversions.sections.${s.id}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <Body />
    </>
  );
}
