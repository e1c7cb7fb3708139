// POST /api/v1/attribution: ChannelAttribution's format in, the documented shape out.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, createSite, expectError } from "./helpers";

const vignetteCsv = (sep: string) =>
  [
    `path${sep}total_conversions${sep}total_conversion_value${sep}total_null`,
    `A > B > A > B > B > A${sep}1${sep}10${sep}0`,
    `A > B > B > A > A${sep}1${sep}10${sep}0`,
    `A > A${sep}1${sep}10${sep}0`,
  ].join("\n");

function postCsv(token: string, csv: string, query = "") {
  return SELF.fetch(`${BASE}/api/v1/attribution${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    body: csv,
  });
}

describe("POST /api/v1/attribution", () => {
  it("answers the vignette from CSV (either separator) in the documented shape", async () => {
    const site = await createSite();
    for (const sep of [";", ","]) {
      const res = await postCsv(site.read, vignetteCsv(sep), "?models=markov,first_touch,linear");
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        totals: unknown;
        channels: {
          channel: string;
          markov: { conversions: number; value: number; removal_effect: number };
          first_touch: unknown;
          linear: unknown;
        }[];
        markov: {
          order: number;
          conversion_probability: number;
          transition_matrix: Record<string, Record<string, number>>;
        };
        rejected: unknown[];
      };
      expect(body.totals).toEqual({ conversions: 3, value: 30, paths: 3 });
      const a = body.channels.find((c) => c.channel === "A")!;
      const b = body.channels.find((c) => c.channel === "B")!;
      expect(a.markov.removal_effect).toBeCloseTo(1, 10);
      expect(b.markov.removal_effect).toBeCloseTo(0.5, 10);
      expect(a.markov.conversions).toBeCloseTo(2, 10);
      expect(b.markov.conversions).toBeCloseTo(1, 10);
      expect(a.markov.value).toBeCloseTo(20, 10);
      expect(a.first_touch).toEqual({ conversions: 3, value: 30 });
      expect(Object.keys(a).sort()).toEqual(["channel", "first_touch", "linear", "markov"]);
      expect(body.markov.order).toBe(1);
      expect(body.markov.conversion_probability).toBeCloseTo(1, 10);
      expect(body.markov.transition_matrix["(start)"]).toEqual({ A: 1 });
      expect(body.rejected).toEqual([]);
    }
  });

  it("answers the README's example exactly: linear A 2.1 and B 0.9, rounded at the API", async () => {
    const site = await createSite();
    const res = await postCsv(site.read, vignetteCsv(";"), "?models=markov,linear");
    expect(res.status).toBe(200);
    // Unrounded, linear A is 0.5 + 0.6 + 1 = 2.0999999999999996 in floating point.
    expect(await res.json()).toEqual({
      totals: { conversions: 3, value: 30, paths: 3 },
      channels: [
        {
          channel: "A",
          linear: { conversions: 2.1, value: 21 },
          markov: { conversions: 2, value: 20, removal_effect: 1 },
        },
        {
          channel: "B",
          linear: { conversions: 0.9, value: 9 },
          markov: { conversions: 1, value: 10, removal_effect: 0.5 },
        },
      ],
      markov: {
        order: 1,
        conversion_probability: 1,
        transition_matrix: { "(start)": { A: 1 }, A: { B: 0.5, "(conversion)": 0.5 }, B: { A: 1 } },
      },
      rejected: [],
    });
    // Thirds stay within 4 decimals of the model's share.
    const thirds = await api("/api/v1/attribution", {
      method: "POST",
      token: site.read,
      json: { paths: [{ path: "A > B > C", total_conversions: 1, total_conversion_value: 100 }], models: ["linear"] },
    });
    const body = (await thirds.json()) as { channels: { linear: { conversions: number; value: number } }[] };
    expect(body.channels.map((c) => c.linear)).toEqual([
      { conversions: 0.3333, value: 33.3333 },
      { conversions: 0.3333, value: 33.3333 },
      { conversions: 0.3333, value: 33.3333 },
    ]);
  });

  it("takes JSON, computes every model by default, and a higher Markov order on request", async () => {
    const site = await createSite();
    const res = await api("/api/v1/attribution", {
      method: "POST",
      token: site.read,
      json: {
        order: 2,
        paths: [
          { path: "Organic Search > Email > Direct", total_conversions: 2, total_conversion_value: 398, total_null: 5 },
          { path: ["Paid Social", "Direct"], total_conversions: 1, total_conversion_value: 99, total_null: 3 },
          { path: "Email", total_conversions: 0, total_null: 4 },
        ],
      },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      channels: Record<string, unknown>[];
      markov: { order: number; transition_matrix: Record<string, unknown> };
    };
    expect(Object.keys(body.channels[0]!).sort()).toEqual(
      [
        "channel",
        "first_touch",
        "last_non_direct",
        "last_touch",
        "linear",
        "markov",
        "position_based",
        "time_decay",
      ].sort(),
    );
    expect(body.markov.order).toBe(2);
    expect(body.markov.transition_matrix["Organic Search > Email"]).toEqual({ "Email > Direct": 1 });
    const direct = body.channels.find((c) => c.channel === "Direct") as {
      last_touch: { conversions: number };
      last_non_direct: { conversions: number };
    };
    expect(direct.last_touch.conversions).toBe(3);
    expect(direct.last_non_direct.conversions).toBe(0);
  });

  it("reports bad CSV rows by line and keeps the good ones", async () => {
    const site = await createSite();
    const csv = ["path;total_conversions;total_null", "A > B;1;0", ";2;0", "B;lots;1", "A;-1;0", "B > A;1;1"].join(
      "\n",
    );
    const res = await postCsv(site.read, csv, "?models=linear");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      totals: { conversions: number };
      rejected: { line: number; issues: { path: string }[] }[];
    };
    expect(body.totals.conversions).toBe(2);
    expect(body.rejected.map((r) => r.line)).toEqual([3, 4, 5]);
    expect(body.rejected[0]!.issues[0]!.path).toBe("line.3.path");
    expect(body.rejected[1]!.issues[0]!.path).toBe("line.4.total_conversions");
  });

  it("refuses bad input with the standard envelope", async () => {
    const site = await createSite();
    await expectError(await postCsv(site.read, "channel;conversions\nA;1"), 400, "validation_failed", "line.1");
    await expectError(
      await postCsv(site.read, vignetteCsv(";"), "?models=magic"),
      400,
      "validation_failed",
      "models.0",
    );
    await expectError(await postCsv(site.read, vignetteCsv(";"), "?order=9"), 400, "validation_failed", "order");
    await expectError(
      await api("/api/v1/attribution", {
        method: "POST",
        token: site.read,
        json: { paths: [{ path: "", total_conversions: 1 }] },
      }),
      400,
      "validation_failed",
      "paths.0.path",
    );
    await expectError(
      await api("/api/v1/attribution", { method: "POST", token: site.read, json: { paths: "A>B" } }),
      400,
      "validation_failed",
      "paths",
    );
    await expectError(
      await api("/api/v1/attribution", {
        method: "POST",
        token: site.read,
        body: "{",
        headers: { "content-type": "application/json" },
      }),
      400,
      "invalid_json",
    );
    await expectError(await api("/api/v1/attribution", { method: "POST", json: { paths: [] } }), 401, "unauthorized");
  });
});
