// GET /api/v1/learners/at-risk: the active learners most likely to stop, scored by the site's
// promoted dropout model in ORT, each with the features that drive their score (models/dropout/
// reasons.ts). Without a promoted dropout model: 409 model_not_ready, as /propensity answers.
import { siteDatabase } from "../../schema/databases";
import { Hono } from "hono";
import type { z } from "@hono/zod-openapi";
import { atRiskCandidates } from "../../jobs/dropout/at-risk";
import type { AtRiskAnswer } from "../../jobs/learners/run";
import { runNetwork } from "../../models/onnx/run";
import { scoreWithReasons } from "../../models/dropout/reasons";
import { getItem } from "../../schema/queries/items";
import { ApiError } from "../shared/errors";
import { AtRiskQuery, type AtRiskList } from "../shared/learners-api";
import { iso } from "../shared/openapi";
import { siteOf, type RecommendBindings } from "./env";
import { activeLoaded, type PropensityMeta } from "./serving";
import { parse } from "./validate";

export const learnerRoutes = new Hono<RecommendBindings>();

learnerRoutes.get("/api/v1/learners/at-risk", async (c) => {
  const siteId = siteOf(c);
  const q = parse(AtRiskQuery, c.req.query());
  const course = q.course ?? null;
  if (course !== null && !(await getItem(siteDatabase(c.env, siteId), { siteId }, course))) {
    throw new ApiError(404, "unknown_course", "No such course in the catalog.", [
      { path: "course", message: `No catalog item ${course}.` },
    ]);
  }
  const model = await activeLoaded<PropensityMeta>(c.env, siteId, "dropout");
  if (!model) {
    throw new ApiError(
      409,
      "model_not_ready",
      "No dropout model has been promoted for this site yet: it needs learning events and a model that beats " +
        "logistic regression on its holdout (see GET /api/v1/models).",
    );
  }
  const now = Date.now();
  const candidates = await atRiskCandidates(siteDatabase(c.env, siteId), siteId, now, course);
  const { encoder } = model.meta;
  const scored = await scoreWithReasons(
    encoder,
    candidates.map((l) => l.row),
    (x) => runNetwork(model.session!, x, encoder.width),
  );
  const data = candidates
    .map((l, i) => ({ l, s: scored[i]! }))
    .filter(({ s }) => s.probability >= q.threshold)
    .sort((a, b) => b.s.probability - a.s.probability || a.l.user.localeCompare(b.l.user))
    .slice(0, q.limit)
    .map(({ l, s }) => ({
      user_id: l.user,
      last_activity_at: iso(l.lastActivityAt),
      courses: l.courses,
      probability: s.probability,
      reasons: s.reasons,
    }));
  return c.json({
    model: { id: model.row.id, version: model.row.version },
    as_of: iso(now),
    course_id: course,
    threshold: q.threshold,
    scored: candidates.length,
    data,
    // The edge's cron reads this answer with the jobs layer's type: both must hold.
  } satisfies z.infer<typeof AtRiskList> & AtRiskAnswer);
});
