// The edge Worker's whole API: every route module, the OpenAPI document, the 405/404 and error
// handling. index.ts (the entry) loads this module on the first request that is not capture, so a
// cold isolate answering /api/collect or /t.js does not evaluate the ~45 route modules and their
// schemas. /api/collect and /t.js are mounted here too: they belong in the OpenAPI document, and
// their other methods get this app's 405 with Allow.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "./env";
import { notFound } from "../shared/on-error";
import { defaultHook, edgeOnError } from "./lib/app-hooks";
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
import { learnerRoutes } from "./routes/learners";
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

export function createApp() {
  const app = new OpenAPIHono<AppBindings>({
    // Request validation failures use the same envelope as every other error.
    defaultHook,
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
    // Learners: dropout risk, win-back outcomes, learner.at_risk webhooks.
    learnerRoutes,
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
  app.onError(edgeOnError);
  return app;
}
