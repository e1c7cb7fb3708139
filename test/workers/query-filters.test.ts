// Query filters: each operator, and/or/not nested, filters on multi-valued dimensions, and regexes
// as GLOB patterns (D1 has no REGEXP): the translation agrees with JavaScript's RegExp and with D1's
// own GLOB on the same values.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { globMatch, regexToGlobs } from "../../models/analytics/query-regex";
import type { TestSite } from "./helpers";
import { ok, seedQuerySite } from "./query-helpers";

let site: TestSite;
beforeAll(async () => {
  site = await seedQuerySite();
});

/** visitors, visits, pageviews under the filters. */
async function counts(...filters: unknown[]) {
  const body = await ok(site, { metrics: ["visitors", "visits", "pageviews"], filters });
  return body.results[0]!.metrics;
}

describe("filter operators", () => {
  it("is and is_not, with one or several values", async () => {
    expect(await counts(["is", "visit:channel", ["Paid Search"]])).toEqual([2, 2, 3]); // S1, S5
    expect(await counts(["is", "visit:channel", ["Email", "Direct"]])).toEqual([1, 2, 2]); // v2: S2, S3
    expect(await counts(["is_not", "visit:channel", ["Paid Search", "Direct"]])).toEqual([2, 2, 3]); // S2, S4
    expect(await counts(["is", "visit:partner", ["(none)"]])).toEqual([3, 4, 5]); // all but S4
  });

  it("contains and contains_not, case-sensitive as Plausible's default", async () => {
    expect(await counts(["contains", "event:page", ["/courses/"]])).toEqual([4, 4, 4]);
    expect(await counts(["contains_not", "visit:source", ["bai"]])).toEqual([2, 3, 4]); // S2, S3, S4
    expect(await counts(["contains", "visit:source", ["BAI"]])).toEqual([0, 0, 0]);
    expect(await counts(["contains", "event:page", ["/blog", "/pricing"]])).toEqual([2, 2, 2]);
  });

  it("matches and matches_not with regexes", async () => {
    expect(await counts(["matches", "event:page", ["^/courses/[a-z][a-z]-\\d{3}$"]])).toEqual([4, 4, 4]);
    expect(await counts(["matches", "event:page", ["^/blog/|^/pricing$"]])).toEqual([2, 2, 2]);
    expect(await counts(["matches", "event:page", ["py-1"]])).toEqual([3, 3, 3]); // unanchored: anywhere
    expect(await counts(["matches", "event:page", ["^/courses/..-201$"]])).toEqual([1, 1, 1]);
    expect(await counts(["matches", "event:page", ["^/courses/py\\-101$"]])).toEqual([3, 3, 3]);
    // Not on a course page: /, /checkout (S1); /blog/a (S2); the signup and lesson (S3); /pricing, o2 (S4).
    expect(await counts(["matches_not", "event:page", ["^/courses/.*"]])).toEqual([3, 4, 3]);
  });

  it("and, or and not, nested", async () => {
    const email = ["is", "visit:channel", ["Email"]];
    const china = ["is", "visit:country", ["CN"]];
    expect(await counts(["or", [email, china]])).toEqual([4, 4, 6]);
    expect(
      await counts([
        "and",
        [
          ["is", "visit:device", ["mobile"]],
          ["contains", "event:page", ["/courses"]],
        ],
      ]),
    ).toEqual([2, 2, 2]); // S3, S4
    expect(await counts(["not", china])).toEqual([1, 2, 2]); // S2, S3
    const baiduOrZhihu = [
      "or",
      [
        ["is", "visit:source", ["baidu"]],
        ["is", "visit:source", ["zhihu"]],
      ],
    ];
    expect(await counts(["and", [baiduOrZhihu, ["not", ["is", "visit:entry_page", ["/"]]]]])).toEqual([2, 2, 3]); // S4, S5
    // Several top-level filters are and-ed.
    expect(await counts(china, ["is", "visit:device", ["desktop"]])).toEqual([2, 2, 3]); // S1, S5
    expect(await counts(["not", ["not", email]])).toEqual([1, 1, 1]);
  });

  it("filters on the exit page, a property, and a course (whole events, not lines)", async () => {
    expect(await counts(["is", "visit:exit_page", ["/pricing"]])).toEqual([1, 1, 2]);
    const free = await ok(site, { metrics: ["events"], filters: [["is", "event:props:free", ["true"]]] });
    expect(free.results[0]!.metrics).toEqual([1]);
    const ds = await ok(site, {
      metrics: ["pageviews", "conversions", "revenue"],
      filters: [["is", "event:item", ["ds-201"]]],
    });
    // The ds-201 page view and o2, which has a ds-201 line: its whole net revenue, not grouped by course.
    expect(ds.results[0]!.metrics).toEqual([1, 1, 79]);
  });
});

describe("regexes as GLOB patterns", () => {
  it("D1 has no REGEXP function, and GLOB works", async () => {
    await expect(env.DB.prepare("SELECT 'abc' REGEXP 'b'").first()).rejects.toThrow(/regexp/i);
    expect(await env.DB.prepare("SELECT 'abc' GLOB '*b*' AS hit").first<{ hit: number }>()).toEqual({ hit: 1 });
  });

  it("translates the supported syntax", () => {
    expect(regexToGlobs("^/courses/.*$")).toEqual({ globs: ["/courses/*"] });
    expect(regexToGlobs("py-1")).toEqual({ globs: ["*py-1*"] });
    expect(regexToGlobs("^/a|b$")).toEqual({ globs: ["/a*", "*b"] });
    expect(regexToGlobs("^\\d{2}\\.x+?")).toHaveProperty("error");
    expect(regexToGlobs("^/x.+$")).toEqual({ globs: ["/x?*"] });
    expect(regexToGlobs("a*?[b")).toHaveProperty("error");
    expect(regexToGlobs("^what\\?$")).toEqual({ globs: ["what[?]"] });
    for (const bad of ["(a|b)", "a+", "b*", "x?", "\\bword", "a{2,3}", "^a$b", "[a-z"]) {
      expect(regexToGlobs(bad), bad).toHaveProperty("error");
    }
  });

  it("agrees with JavaScript's RegExp and with D1's GLOB on the same values", async () => {
    const patterns = [
      "^/courses/[a-z][a-z]-\\d{3}$",
      "^/blog/|^/pricing$",
      "py-1",
      "^/courses/.*",
      "^/a.b$",
      "[^/]$",
      "\\w\\.pdf$",
      "^/课程/.+",
      "^what\\?$",
      "^/x\\*y",
    ];
    const values = [
      "/courses/py-101",
      "/courses/ds-2010",
      "/blog/a",
      "/pricing",
      "/pricing/x",
      "/a/b",
      "/aXb",
      "/",
      "/docs/x.pdf",
      "/课程/数据",
      "/课程/",
      "what?",
      "whatx",
      "/x*y",
      "/xy",
    ];
    const statements = [];
    const expected: boolean[] = [];
    for (const p of patterns) {
      const t = regexToGlobs(p);
      if ("error" in t) throw new Error(`${p}: ${t.error}`);
      for (const v of values) {
        const js = new RegExp(p).test(v);
        expect(
          t.globs.some((g) => globMatch(g, v)),
          `${p} on ${v}`,
        ).toBe(js);
        expected.push(js);
        statements.push(
          env.DB.prepare("SELECT EXISTS (SELECT 1 FROM json_each(?2) WHERE ?1 GLOB value) AS hit").bind(
            v,
            JSON.stringify(t.globs),
          ),
        );
      }
    }
    const rows = await env.DB.batch<{ hit: number }>(statements);
    expect(rows.map((r) => r.results[0]!.hit === 1)).toEqual(expected);
  });
});
