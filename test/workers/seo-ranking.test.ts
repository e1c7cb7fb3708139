// The ranking model recovers known effects from synthetic rows, with standard errors and a holdout
// R², and refuses to fit on too few rows; the API answers with the reason when it cannot fit.
import { describe, expect, it } from "vitest";
import { fitRankingModel, MIN_RANKING_ROWS, type RankingRow } from "../../models/seo/ranking";
import { gaussian, seededRandom } from "../../models/random";

function rows(n: number): RankingRow[] {
  const random = seededRandom(7);
  const noise = gaussian(n, 0.5, random);
  return Array.from({ length: n }, (_, i) => {
    const inTitle = random() < 0.5;
    const inH1 = random() < 0.5;
    const words = Math.round(200 + random() * 1800);
    const linksIn = Math.floor(random() * 10);
    return {
      query: "python 课程",
      // Known truth: the keyword in the title is worth 3 places, in the h1 1.5, each link in 0.2.
      position: 12 - 3 * Number(inTitle) - 1.5 * Number(inH1) - 0.2 * linksIn + 0.0005 * words + noise[i]!,
      page: {
        title: inTitle ? "Python 课程：入门" : "编程入门",
        h1: inH1 ? "Python 课程" : "欢迎",
        description: "",
        words,
        linksIn,
        structuredData: i % 3 === 0,
      },
    };
  });
}

describe("the ranking model", () => {
  it("recovers known coefficients with standard errors and a holdout R²", () => {
    const model = fitRankingModel(rows(400));
    const est = Object.fromEntries(model.coefficients.map((c) => [c.feature, c]));
    const within = (feature: string, truth: number) => {
      expect(est[feature]!.standard_error).toBeGreaterThan(0);
      expect(Math.abs(est[feature]!.estimate - truth)).toBeLessThan(4 * est[feature]!.standard_error);
    };
    within("keyword_in_title", -3);
    within("keyword_in_h1", -1.5);
    within("internal_links_in", -0.2);
    within("word_count", 0.0005);
    within("structured_data", 0);
    // Constant in these rows (no description) or determined by another feature (two titles, so
    // the title's length is the keyword-in-title flag): left out, not a singular fit.
    expect(est.keyword_in_description).toBeUndefined();
    expect(est.title_length).toBeUndefined();
    expect(model.n_holdout).toBe(80);
    expect(model.holdout_r2!).toBeGreaterThan(0.8);
    expect(model.note).toMatch(/^Correlation, not proof/);
  });

  it("refuses too few rows", () => {
    expect(() => fitRankingModel(rows(MIN_RANKING_ROWS - 1))).toThrow(RangeError);
  });
});
