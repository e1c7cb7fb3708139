// The demo's start-up lines: storing progress ends with a line saying it finished, and a dropout
// model that is not promoted says what that means (no list until one is promoted), not "serving
// the baseline" (there is no baseline to serve at-risk answers from).
import { describe, expect, it } from "vitest";
import { modelLine, waitStored } from "../../scripts/local/demo.mjs";

describe("demo start-up lines", () => {
  it("prints storing progress to completion and a final line", async () => {
    const lines: string[] = [];
    const counts = [5000, 9000, 13702];
    const stored = await waitStored({
      stored: 0,
      total: 13702,
      count: async () => counts.shift() ?? 13702,
      say: (l) => lines.push(l),
      waitMs: 60_000,
      pollMs: 1,
    });
    expect(stored).toBe(13702);
    expect(lines[0]).toBe("Storing events (queue → D1): 0/13702");
    expect(lines.at(-1)).toMatch(/^Storing events \(queue → D1\): 13702\/13702, done in \d+\.\d s\.$/);
  });

  it("says nothing when everything is already stored", async () => {
    const lines: string[] = [];
    await waitStored({ stored: 10, total: 10, count: async () => 10, say: (l) => lines.push(l), waitMs: 1000 });
    expect(lines).toEqual([]);
  });

  it("explains a dropout model that is not promoted", () => {
    const line = modelLine(
      {
        kind: "dropout",
        promoted: false,
        reason:
          "holdout AUC 0.9801 below 0.9912 (logistic regression 0.9812 + 0.01, and at least 0.6): serving the baseline",
      },
      12.34,
    );
    expect(line).not.toContain("serving the baseline");
    expect(line).toContain("Model dropout: not promoted (did not beat logistic regression by the margin: holdout AUC");
    expect(line).toContain("at-risk answers model_not_ready until one is promoted: see README");
    expect(line).toMatch(/\(12\.3 s\)$/);
  });

  it("keeps other kinds' reasons as they are", () => {
    const reason =
      "holdout AUC 0.7 below 0.75 (logistic regression 0.73 + 0.02, and at least 0.6): serving the baseline";
    expect(modelLine({ kind: "propensity", promoted: false, reason }, 1)).toBe(`Model propensity: ${reason} (1.0 s)`);
    expect(modelLine({ kind: "dropout", promoted: true, reason: "holdout AUC 0.99 reaches 0.98" }, 2)).toBe(
      "Model dropout: holdout AUC 0.99 reaches 0.98 (2.0 s)",
    );
  });
});
