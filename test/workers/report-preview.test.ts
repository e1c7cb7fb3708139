// The dashboard's report preview and alert-rule edits: GET /report-subscriptions/{id}/preview is
// the HTML send-now would send (charts inlined, nothing sent or recorded), for read keys; PATCH
// /alert-rules/{id} changes a rule under the same checks as a new one, for admin keys only.
import { describe, expect, it } from "vitest";
import { expectDocumented } from "./documented";
import { api, createSite, expectError } from "./helpers";

describe("report preview", () => {
  it("answers the email's HTML and subject, with inline charts, without sending anything", async () => {
    const site = await createSite({ currency: "CNY", locale: "en" });
    const made = await api("/api/v1/report-subscriptions", {
      method: "POST",
      token: site.admin,
      json: { recipients: ["cfo@example.com"], frequency: "daily" },
    });
    const sub = (await made.json()) as { id: string };
    const json = await api(`/api/v1/report-subscriptions/${sub.id}/preview?format=json`, { token: site.read });
    expect(json.status).toBe(200);
    const preview = (await json.json()) as { subject: string; html: string; period: { from: string; to: string } };
    await expectDocumented("GET /api/v1/report-subscriptions/{id}/preview", 200, preview);
    expect(preview.subject).toContain("ROI");
    expect(preview.html).toContain("<html");
    expect(preview.html).not.toContain("cid:");
    expect(preview.html).toMatch(/src="data:image\/png;base64,[A-Za-z0-9+/=]{100,}"/);
    expect(preview.period.from <= preview.period.to).toBe(true);

    const html = await api(`/api/v1/report-subscriptions/${sub.id}/preview`, { token: site.read });
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(html.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await html.text()).toContain(preview.html.slice(0, 200));

    // Nothing went out: the send log is empty.
    const detail = (await (await api(`/api/v1/report-subscriptions/${sub.id}`, { token: site.read })).json()) as {
      sends: unknown[];
    };
    expect(detail.sends).toEqual([]);
    await expectError(
      await api("/api/v1/report-subscriptions/sub_nope/preview", { token: site.read }),
      404,
      "not_found",
    );
  });
});

describe("alert rule edits", () => {
  it("change a rule under the same checks as a new one, for admins only", async () => {
    const site = await createSite({ currency: "CNY" });
    const made = await api("/api/v1/alert-rules", {
      method: "POST",
      token: site.admin,
      json: { kind: "roi_below", channel: "Paid Search", threshold: 1.5, recipients: ["ops@example.com"] },
    });
    const rule = (await made.json()) as { id: string };
    const patch = (token: string, json: unknown) =>
      api(`/api/v1/alert-rules/${rule.id}`, { method: "PATCH", token, json });

    const changed = await patch(site.admin, { threshold: 2, window_days: 14, active: false });
    expect(changed.status).toBe(200);
    const body = await changed.json();
    await expectDocumented("PATCH /api/v1/alert-rules/{id}", 200, body);
    expect(body).toMatchObject({
      kind: "roi_below",
      channel: "Paid Search",
      threshold: 2,
      window_days: 14,
      active: false,
    });

    // roi_below without a channel is refused, as on creation; so is spend_up without a positive rise.
    await expectError(await patch(site.admin, { channel: null }), 400, "validation_failed", "channel");
    await expectError(
      await patch(site.admin, { kind: "spend_up", threshold: -5 }),
      400,
      "validation_failed",
      "threshold",
    );
    await expectError(await patch(site.read, { threshold: 3 }), 403, "forbidden");
    const after = (await (await api("/api/v1/alert-rules", { token: site.read })).json()) as { data: unknown[] };
    expect(after.data).toEqual([expect.objectContaining({ threshold: 2, channel: "Paid Search" })]);
  });
});
