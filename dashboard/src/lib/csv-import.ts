// CSV files a person uploads (ad spend, exchange rates, conversion paths), read in the browser so
// the page can preview them before sending; the rows go to the API as JSON and the issues it
// returns (`rows.3.cost`, `paths.0.path`) are mapped back to the line and column they concern.
import Papa from "papaparse";
import type { Issue } from "./issues";

export interface CsvLine {
  /** The line in the file (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

export interface ParsedCsv {
  columns: string[];
  lines: CsvLine[];
}

/** Header names as the API reads them: trimmed, lower case, spaces as underscores. */
export const headerName = (h: string) => h.trim().toLowerCase().replace(/\s+/g, "_");

export function parseCsv(text: string): ParsedCsv {
  const parsed = Papa.parse<Record<string, string>>(text.trim(), {
    header: true,
    skipEmptyLines: "greedy",
    delimitersToGuess: [",", ";", "\t"],
    transformHeader: headerName,
  });
  // Papa counts rows, not lines: with "greedy" blank lines are skipped, so track the file's lines.
  const lineOf = fileLines(text.trim());
  return {
    columns: (parsed.meta.fields ?? []).filter(Boolean),
    lines: parsed.data.map((values, i) => ({ line: lineOf[i] ?? i + 2, values })),
  };
}

/** The file line of each non-blank data row (quoted line breaks aside, which spend files lack). */
function fileLines(text: string): number[] {
  const out: number[] = [];
  text.split(/\r\n|\n|\r/).forEach((l, i) => {
    if (i > 0 && l.trim() !== "" && l.replace(/[,;\t\s]/g, "") !== "") out.push(i + 1);
  });
  return out;
}

/** A line's values with the empty cells left out (absent, as the API's CSV reader does). */
export const present = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v.trim() !== ""));

/**
 * The issues of a JSON upload by row index: `prefix.<i>.<field>` → row i, field (or "" for the row).
 */
export function issuesByRow(
  issues: readonly Issue[],
  prefix: string,
): Map<number, { field: string; message: string }[]> {
  const out = new Map<number, { field: string; message: string }[]>();
  for (const issue of issues) {
    const m = new RegExp(`^${prefix}\\.(\\d+)(?:\\.(.+))?$`).exec(issue.path);
    if (!m) continue;
    const i = Number(m[1]);
    const list = out.get(i) ?? [];
    list.push({ field: m[2] ?? "", message: issue.message });
    out.set(i, list);
  }
  return out;
}
