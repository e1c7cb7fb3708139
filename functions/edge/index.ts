// The edge Worker: capture, the API, and the cron and queue jobs.
import { OpenAPIHono } from "@hono/zod-openapi";
import { handleDeadLetters, handleIngestBatch } from "../../jobs/ingest";
import { DEAD_LETTER_QUEUE_NAME } from "../../core/queue";
import { handleScheduled } from "../../jobs/scheduled";
import type { EdgeEnv } from "../../core/env";
import type { AppBindings } from "./env";
import { validationError } from "../shared/errors";
import { notFound, onError } from "../shared/on-error";
import { alertRuleRoutes } from "./routes/alert-rules";
import { attributionRoutes } from "./routes/attribution";
import { authRoutes } from "./routes/auth";
import { budgetRoutes } from "./routes/budget";
import { classifyRoutes } from "./routes/classify";
import { collectRoutes } from "./routes/collect";
import { commissionRoutes } from "./routes/commissions";
import { currentSessionRoutes } from "./routes/current-session";
import { mountDocs } from "./routes/docs";
import { eventRoutes } from "./routes/events";
import { experimentRunRoutes } from "./routes/experiment-runs";
import { experimentResultRoutes } from "./routes/experiment-results";
import { experimentRoutes } from "./routes/experiments";
import { funnelRoutes } from "./routes/funnels";
import { goalRoutes } from "./routes/goals";
import { healthRoutes } from "./routes/health";
import { invitationRoutes } from "./routes/invitations";
import { itemRoutes } from "./routes/items";
import { courseRoutes } from "./routes/courses";
import { journeyRoutes } from "./routes/journeys";
import { markovRoutes } from "./routes/markov";
import { keyRoutes } from "./routes/keys";
import { memberRoutes } from "./routes/members";
import { partnerLinkRoutes } from "./routes/partner-links";
import { partnerProgramRoutes } from "./routes/partner-program";
import { partnerRoutes } from "./routes/partners";
import { passwordRoutes } from "./routes/password";
import { paymentProviderRoutes } from "./routes/payment-providers";
import { portalRoutes } from "./routes/portal";
import { queryRoutes } from "./routes/query";
import { recommendProxyRoutes } from "./routes/recommend-proxy";
import { referralRoutes } from "./routes/referrals";
import { reportSubscriptionRoutes } from "./routes/report-subscriptions";
import { reportRoutes } from "./routes/reports";
import { retentionRoutes } from "./routes/retention";
import { scorecardRoutes } from "./routes/scorecards";
import { segmentRoutes } from "./routes/segments";
import { sessionRoutes } from "./routes/sessions";
import { shareLinkRoutes } from "./routes/share-links";
import { siteRoutes } from "./routes/sites";
import { snippetRoutes } from "./routes/snippet";
import { spendRoutes } from "./routes/spend";
import { seoImportRoutes } from "./routes/seo";
import { seoReportRoutes } from "./routes/seo-reports";
import { unsubscribeRoutes } from "./routes/unsubscribe";
import { userRoutes } from "./routes/users";
import { webhookRoutes } from "./routes/webhooks";

// Only handlers may be exported from the entry module: workerd refuses any other named export.
function createApp() {
  const app = new OpenAPIHono<AppBindings>({
    // Request validation failures use the same envelope as every other error.
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
  for (const routes of [
    healthRoutes,
    snippetRoutes,
    collectRoutes,
    eventRoutes,
    webhookRoutes,
    sessionRoutes,
    siteRoutes,
    keyRoutes,
    paymentProviderRoutes,
    classifyRoutes,
    attributionRoutes,
    spendRoutes,
    budgetRoutes,
    markovRoutes,
    reportRoutes,
    queryRoutes,
    recommendProxyRoutes,
    itemRoutes,
    referralRoutes,
    partnerRoutes,
    partnerLinkRoutes,
    scorecardRoutes,
    partnerProgramRoutes,
    commissionRoutes,
    portalRoutes,
    reportSubscriptionRoutes,
    alertRuleRoutes,
    unsubscribeRoutes,
    // People: sign-in, sessions, members, invitations, share links.
    authRoutes,
    passwordRoutes,
    currentSessionRoutes,
    userRoutes,
    memberRoutes,
    invitationRoutes,
    shareLinkRoutes,
    // Behaviour: goals, funnels, retention, journeys, learner segments.
    goalRoutes,
    funnelRoutes,
    retentionRoutes,
    journeyRoutes,
    segmentRoutes,
    // Experiments: A/B statistics.
    experimentRoutes,
    experimentRunRoutes,
    experimentResultRoutes,
    // SEO: search console imports, organic revenue, keyword opportunities.
    seoImportRoutes,
    seoReportRoutes,
    // Courses: structure and learning reports.
    courseRoutes,
  ]) {
    app.route("/", routes);
  }
  mountDocs(app);
  // A known path asked with another method answers 405 with Allow (OpenAPI and plain routes alike).
  app.notFound(
    notFound(
      (c) => `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`,
      () => app.routes,
    ),
  );
  app.onError(onError({ worker: "edge", internalMessage: "Something went wrong on our side." }));
  return app;
}

const app = createApp();

/**
 * The snippet and the collector also answer under any path prefix, so a site can route
 * example.com/stats/* to this Worker and serve them first-party (README: ad blockers).
 */
const PREFIXED_PUBLIC_PATH = /^\/.+?(\/t\.js|\/t\/[0-9a-f]+\.js|\/api\/collect)$/;

export default {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    const match = PREFIXED_PUBLIC_PATH.exec(url.pathname);
    if (match) {
      url.pathname = match[1]!;
      return app.fetch(new Request(url, request), env, ctx);
    }
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env, _ctx) {
    if (batch.queue === DEAD_LETTER_QUEUE_NAME) await handleDeadLetters(batch, env);
    else await handleIngestBatch(batch, env);
  },
  async scheduled(controller, env, _ctx) {
    await handleScheduled(controller, env);
  },
} satisfies ExportedHandler<EdgeEnv, unknown>;
