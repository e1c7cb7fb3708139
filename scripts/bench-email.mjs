// What one ROI email costs in the built Workers (send-now at the edge, rendered and sent by the
// recommend Worker): the report's figures, two PNG charts, the MIME message and SMTP delivery to a
// real local smtp-server, against the same email without charts.
import { startMailbox } from "../test/support/mailbox.mjs";
import { root } from "./local-env.mjs";
import { startBuiltWorkers } from "./run-bundle.mjs";

const ADMIN = "bench-admin-token";
const RUNS = 10;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchEmail() {
  const mailbox = await startMailbox();
  const { mf, url } = await startBuiltWorkers({
    root,
    adminToken: ADMIN,
    bindings: {
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(mailbox.smtpPort),
      SMTP_SECURITY: "none",
      MAIL_FROM: "bench@example.com",
    },
  });
  const call = async (path, body) =>
    (
      await mf.dispatchFetch(new URL(path, url), {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    ).json();
  const site = await call("/api/v1/sites", { name: "Bench", domain: "bench.example.com", currency: "CNY" });
  const timeSends = async (sections) => {
    const sub = await call(`/api/v1/report-subscriptions?site_id=${site.id}`, {
      recipients: ["bench@example.com"],
      frequency: "weekly",
      weekday: 1,
      ...(sections && { sections }),
    });
    const times = [];
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      const result = await call(`/api/v1/report-subscriptions/${sub.id}/send-now?site_id=${site.id}`);
      if (result.sent !== 1) throw new Error(`send-now: ${JSON.stringify(result)}`);
      if (i > 0) times.push(performance.now() - t0); // the first run also warms the isolate
    }
    return median(times);
  };
  const withCharts = await timeSends();
  const withoutCharts = await timeSends(["totals", "channels", "campaigns", "partners", "recommendations", "movers"]);
  await mf.dispose();
  return { runs: RUNS, withChartsMs: withCharts, withoutChartsMs: withoutCharts };
}
