// The dashboard's pure helpers: API issues placed next to their form fields, and CSV export.
import { describe, expect, it } from "vitest";
import { placeIssues } from "../../dashboard/src/lib/issues";
import { toCsv } from "../../dashboard/src/lib/csv";

describe("placeIssues", () => {
  const fields = ["name", "channel_rules.0.source", "channel_rules.0", "allowed_origins"];

  it("puts each issue on its field, nested paths on the nearest field above them", () => {
    const placed = placeIssues(
      [
        { path: "name", message: "Required." },
        { path: "channel_rules.0.source", message: "Not a valid regular expression." },
        { path: "channel_rules.0", message: "A rule needs source, medium or campaign." },
        { path: "allowed_origins.2", message: "An origin." },
      ],
      fields,
    );
    expect(placed.fields).toEqual({
      name: "Required.",
      "channel_rules.0.source": "Not a valid regular expression.",
      "channel_rules.0": "A rule needs source, medium or campaign.",
      allowed_origins: "An origin.",
    });
    expect(placed.rest).toEqual([]);
  });

  it("keeps issues no field claims for the form, and the first message per field", () => {
    const placed = placeIssues(
      [
        { path: "token", message: "Too short." },
        { path: "", message: "Bad body." },
        { path: "name", message: "First." },
        { path: "name", message: "Second." },
        { path: "names", message: "Not a prefix match." },
      ],
      fields,
    );
    expect(placed.fields).toEqual({ name: "First." });
    expect(placed.rest.map((i) => i.path)).toEqual(["token", "", "names"]);
  });
});

describe("toCsv", () => {
  it("quotes, escapes quotes and defuses spreadsheet formulas in text, not in numbers", () => {
    const rows = [
      { channel: 'Paid "Search", CN', revenue: 1234.5, roi: -0.25 },
      { channel: "=HYPERLINK(1)", revenue: 0, roi: null },
      { channel: "微信\n朋友圈", revenue: 10, roi: 1 },
    ];
    const csv = toCsv(
      [
        { header: "Channel", value: (r: (typeof rows)[number]) => r.channel },
        { header: "Revenue", value: (r: (typeof rows)[number]) => r.revenue },
        { header: "ROI", value: (r: (typeof rows)[number]) => r.roi },
      ],
      rows,
    );
    expect(csv).toBe(
      'Channel,Revenue,ROI\n"Paid ""Search"", CN",1234.5,-0.25\n\'=HYPERLINK(1),0,\n"微信\n朋友圈",10,1\n',
    );
  });
});
