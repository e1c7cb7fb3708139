// Reports and alerts: scheduled ROI emails (create, edit, delete, preview as sent, send now) and
// threshold alert rules (create, edit, delete). Analysts, admins and owners change them; viewers read.
import { useT } from "../context";
import type { PageProps } from "../pages";
import { PageHeader } from "../components/ui";
import { SectionTabs } from "../components/Tabs";
import { Subscriptions } from "./reports/subscriptions";
import { AlertRules } from "./reports/alerts";

const SECTIONS = [
  { id: "subscriptions", component: Subscriptions },
  { id: "alerts", component: AlertRules },
] as const;

export default function Reports({ params }: PageProps) {
  const t = useT();
  const current = SECTIONS.find((s) => s.id === params.section) ?? SECTIONS[0];
  const Body = current.component;
  return (
    <>
      <PageHeader title={t("reports.title")} />
      <SectionTabs
        label={t("reports.sections_label")}
        base="/reports"
        current={current.id}
        sections={SECTIONS.map((s) => ({ id: s.id, title: t(`reports.sections.${s.id}`) }))}
      />
      <Body />
    </>
  );
}
