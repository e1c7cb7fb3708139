// Sections of one page as links (/page/<section>), as Settings lays them out: each section has its
// own URL, so it can be bookmarked and shared, and the browser's back button works.
export function SectionTabs({
  label,
  base,
  sections,
  current,
}: {
  label: string;
  base: string;
  sections: { id: string; title: string }[];
  current: string;
}) {
  return (
    <nav class="tabs" aria-label={label}>
      <ul>
        {sections.map((s) => (
          <li key={s.id}>
            <a href={`${base}/${s.id}`} aria-current={s.id === current ? "page" : undefined}>
              {s.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
