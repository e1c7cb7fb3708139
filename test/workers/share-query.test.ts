// A share link asks the query API (POST /api/v1/query, a read with a JSON body) when it may read
// traffic, so a shared Acquisition view can filter and drill down; without the traffic page it is
// refused, and other POSTs stay refused whatever the link's pages.
import { describe, expect, it } from "vitest";
import { siteWithOwner } from "./accounts-helpers";
import { api, expectError } from "./helpers";

const query = {
  metrics: ["visitors", "visits"],
  dimensions: ["visit:channel"],
  filters: [["is", "visit:country", ["CN"]]],
  date_range: "30d",
};

async function shareLink(browser: Awaited<ReturnType<typeof siteWithOwner>>["owner"]["browser"], pages: string[]) {
  const res = await browser.fetch("/api/v1/share-links", { method: "POST", json: { name: "Shared", pages } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

describe("share links and the query API", () => {
  it("a link with the traffic page queries; one without it, or another POST, is refused", async () => {
    const { site, owner } = await siteWithOwner();
    const traffic = await shareLink(owner.browser, ["traffic"]);
    const res = await api(`/api/v1/query?site_id=${site.id}`, { method: "POST", token: traffic, json: query });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { results: unknown[] }).results).toEqual([]);

    const overview = await shareLink(owner.browser, ["overview"]);
    await expectError(await api("/api/v1/query", { method: "POST", token: overview, json: query }), 403, "forbidden");
    // Still read-only: writes and other body-carrying analyses are refused.
    await expectError(
      await api("/api/v1/funnels", { method: "POST", token: traffic, json: { steps: [] } }),
      403,
      "forbidden",
    );
    await expectError(
      await api("/api/v1/events", { method: "POST", token: traffic, json: { events: [] } }),
      403,
      "forbidden",
    );
  });
});
