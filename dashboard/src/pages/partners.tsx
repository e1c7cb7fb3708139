// Partners: the ranked partners with their scorecards, flags and links; commissions by status;
// payouts (create, mark paid, the finance CSV); the program's settings. One section per URL.
import { useT } from "../context";
import type { PageProps } from "../pages";
import { PageHeader } from "../components/ui";
import { SectionTabs } from "../components/Tabs";
import { PartnerList } from "./partners/list";
import { Commissions } from "./partners/commissions";
import { Payouts } from "./partners/payouts";
import { ProgramSettings } from "./partners/program";

const SECTIONS = [
  { id: "list", component: PartnerList },
  { id: "commissions", component: Commissions },
  { id: "payouts", component: Payouts },
  { id: "program", component: ProgramSettings },
] as const;

export default function Partners({ params }: PageProps) {
  const t = useT();
  const current = SECTIONS.find((s) => s.id === params.section) ?? SECTIONS[0];
  const Body = current.component;
  return (
    <>
      <PageHeader title={t("partners.title")} />
      <SectionTabs
        label={t("partners.sections_label")}
        base="/partners"
        current={current.id}
        sections={SECTIONS.map((s) => ({ id: s.id, title: t(`partners.sections.${s.id}`) }))}
      />
      <Body />
    </>
  );
}
