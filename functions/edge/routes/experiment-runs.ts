// Experiments as stored objects: create and edit (draft), start, stop with a decision, and the
// server-side assignment an app's back end asks for. Results: experiment-results.ts.
import { type DatabaseEnv, type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { assignVariant, servedVariant } from "../../../core/experiment-assign";
import { DEFAULT_CUPED_DAYS } from "../../../models/experiments/cuped";
import {
  type ExperimentRow,
  getExperiment,
  insertExperiment,
  listExperiments,
  updateExperiment,
} from "../../../schema/queries/experiments";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, iso, json, SiteQuery } from "../../shared/openapi";
import { siteOr404 } from "../lib/sites";
import { forgetExperimentsScript } from "../lib/experiment-config";
import { getSite } from "../../../schema/queries/sites";
import {
  Assignment,
  AssignInput,
  Experiment,
  ExperimentInput,
  ExperimentPatch,
  StopInput,
} from "../lib/experiment-schemas";

export const experimentRunRoutes = new OpenAPIHono<AppBindings>();

const KeyParam = z.object({
  key: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "key", in: "path" } }),
});

function view(row: ExperimentRow): z.infer<typeof Experiment> {
  return {
    key: row.key,
    name: row.name,
    kind: row.kind,
    status: row.status,
    variants: row.variants,
    hypothesis: row.hypothesis,
    primary_metric: row.primaryMetric as z.infer<typeof Experiment>["primary_metric"],
    guardrails: row.guardrails as z.infer<typeof Experiment>["guardrails"],
    creative_field: row.creativeField,
    winner: row.winner,
    decision: row.decision,
    cuped_days: row.cupedDays ?? DEFAULT_CUPED_DAYS,
    started_at: iso(row.startedAt),
    stopped_at: iso(row.stoppedAt),
    created_at: iso(row.createdAt),
  };
}

/** Variant keys and weights (equal when absent) as stored arms, or the field at fault in the envelope. */
function arms(variants: string[], weights = variants.map(() => 1 / variants.length)): ExperimentRow["variants"] {
  if (weights.length !== variants.length)
    throw new ApiError(400, "validation_failed", "One weight per variant.", [
      { path: "weights", message: "One weight per variant." },
    ]);
  if (Math.abs(weights.reduce((s, w) => s + w, 0) - 1) > 1e-6)
    throw new ApiError(400, "validation_failed", "Weights must sum to 1.", [
      { path: "weights", message: "Weights must sum to 1." },
    ]);
  if (new Set(variants).size !== variants.length)
    throw new ApiError(400, "validation_failed", "Variant keys must differ.", [
      { path: "variants", message: "Variant keys must differ." },
    ]);
  return variants.map((key, i) => ({ key, weight: weights[i]! }));
}

/**
 * A creative test reads its variants from one landing field, which must be named; an on-site test
 * has none (`field` undefined: not given, null: cleared).
 */
function checkCreativeField(kind: ExperimentRow["kind"], field: string | null | undefined) {
  if (kind === "creative" && (field === undefined || field === null))
    throw new ApiError(400, "validation_failed", "A creative test needs creative_field.", [
      { path: "creative_field", message: "A creative test needs creative_field." },
    ]);
  if (kind !== "creative" && field !== undefined && field !== null)
    throw new ApiError(400, "validation_failed", "Only a creative test has creative_field.", [
      { path: "creative_field", message: "Only a creative test has creative_field." },
    ]);
}

async function find(db: SiteDatabase, scope: { siteId: string }, key: string) {
  const row = await getExperiment(db, scope, key);
  if (!row) throw new ApiError(404, "not_found", "No such experiment.");
  return row;
}

/** Updates an experiment and drops the edge's cached add-on statuses of its site (lib/experiment-config.ts). */
async function changed(
  env: DatabaseEnv,
  scope: { siteId: string },
  key: string,
  patch: Parameters<typeof updateExperiment>[3],
) {
  const row = (await updateExperiment(siteDatabase(env, scope.siteId), scope, key, patch))!;
  const site = await getSite(env.DB, scope);
  if (site) await forgetExperimentsScript(site.publicKey);
  return row;
}

const route = <P extends string>(
  method: "get" | "post" | "patch",
  path: P,
  summary: string,
  scope: "read" | "admin",
) => ({
  method,
  path,
  tags: ["Experiments"],
  summary: `${summary} (${scope} scope)`,
  security: [{ bearer: [] }],
  middleware: [requireScope(scope)],
});

experimentRunRoutes.openapi(
  createRoute({
    ...route("post", "/api/v1/experiments", "Create an experiment as a draft", "admin"),
    request: { query: SiteQuery, body: { ...json(ExperimentInput), required: true } },
    responses: {
      201: { description: "Created", ...json(Experiment) },
      400: { description: "Invalid", ...errors },
      409: { description: "The key is taken", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const body = c.req.valid("json");
    checkCreativeField(body.kind, body.creative_field);
    const now = Date.now();
    const row: ExperimentRow = {
      siteId: scope.siteId,
      key: body.key,
      name: body.name,
      kind: body.kind,
      status: "draft",
      variants: arms(body.variants, body.weights),
      hypothesis: body.hypothesis ?? null,
      primaryMetric: body.primary_metric,
      guardrails: body.guardrails,
      creativeField: body.creative_field ?? null,
      winner: null,
      decision: null,
      cupedDays: body.cuped_days ?? null,
      startedAt: null,
      stoppedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await insertExperiment(siteDatabase(c.env, row.siteId), row)))
      throw new ApiError(409, "experiment_exists", "An experiment with this key exists.", [
        { path: "key", message: "An experiment with this key exists." },
      ]);
    // A new draft must not run on pages from a cached script that does not list it yet.
    await forgetExperimentsScript(site.publicKey);
    return c.json(view(row), 201);
  },
);

experimentRunRoutes.openapi(
  createRoute({
    ...route("get", "/api/v1/experiments", "The site's experiments, oldest first", "read"),
    request: { query: SiteQuery },
    responses: { 200: { description: "Experiments", ...json(z.object({ data: z.array(Experiment) })) } },
  }),
  async (c) => {
    const scope = siteScope(c);
    return c.json({ data: (await listExperiments(siteDatabase(c.env, scope.siteId), scope)).map(view) }, 200);
  },
);

experimentRunRoutes.openapi(
  createRoute({
    ...route("get", "/api/v1/experiments/{key}", "An experiment", "read"),
    request: { params: KeyParam, query: SiteQuery },
    responses: { 200: { description: "Experiment", ...json(Experiment) }, 404: { description: "Unknown", ...errors } },
  }),
  async (c) =>
    c.json(view(await find(siteDatabase(c.env, siteScope(c).siteId), siteScope(c), c.req.valid("param").key)), 200),
);

experimentRunRoutes.openapi(
  createRoute({
    ...route("patch", "/api/v1/experiments/{key}", "Edit a draft experiment", "admin"),
    request: { params: KeyParam, query: SiteQuery, body: { ...json(ExperimentPatch), required: true } },
    responses: {
      200: { description: "Edited", ...json(Experiment) },
      400: { description: "Invalid", ...errors },
      404: { description: "Unknown", ...errors },
      409: { description: "Not a draft", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const { key } = c.req.valid("param");
    const body = c.req.valid("json");
    const row = await find(siteDatabase(c.env, scope.siteId), scope, key);
    // Once units are exposed, changing arms or metrics would mix two experiments in one result.
    if (row.status !== "draft") throw new ApiError(409, "conflict", `The experiment is ${row.status}.`);
    if (body.creative_field !== undefined) checkCreativeField(row.kind, body.creative_field);
    const variants =
      body.variants || body.weights
        ? arms(
            body.variants ?? row.variants.map((v) => v.key),
            body.weights ?? (body.variants ? undefined : row.variants.map((v) => v.weight)),
          )
        : undefined;
    const patch = {
      ...(body.name !== undefined && { name: body.name }),
      ...(variants && { variants }),
      ...(body.hypothesis !== undefined && { hypothesis: body.hypothesis }),
      ...(body.primary_metric !== undefined && { primaryMetric: body.primary_metric }),
      ...(body.guardrails !== undefined && { guardrails: body.guardrails }),
      ...(body.creative_field !== undefined && { creativeField: body.creative_field }),
      ...(body.cuped_days !== undefined && { cupedDays: body.cuped_days }),
    };
    return c.json(view(await changed(c.env, scope, key, { ...patch, updatedAt: Date.now() })), 200);
  },
);

experimentRunRoutes.openapi(
  createRoute({
    ...route("post", "/api/v1/experiments/{key}/start", "Start a draft experiment", "admin"),
    request: { params: KeyParam, query: SiteQuery },
    responses: {
      200: { description: "Running", ...json(Experiment) },
      404: { description: "Unknown", ...errors },
      409: { description: "Not a draft", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const { key } = c.req.valid("param");
    const row = await find(siteDatabase(c.env, scope.siteId), scope, key);
    if (row.status !== "draft") throw new ApiError(409, "conflict", `The experiment is ${row.status}.`);
    const now = Date.now();
    return c.json(
      view(
        await changed(c.env, scope, key, {
          status: "running",
          startedAt: now,
          updatedAt: now,
        }),
      ),
      200,
    );
  },
);

experimentRunRoutes.openapi(
  createRoute({
    ...route("post", "/api/v1/experiments/{key}/stop", "Stop a running experiment with a decision", "admin"),
    request: { params: KeyParam, query: SiteQuery, body: { ...json(StopInput), required: true } },
    responses: {
      200: { description: "Stopped", ...json(Experiment) },
      400: { description: "Unknown winner", ...errors },
      404: { description: "Unknown", ...errors },
      409: { description: "Not running", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const { key } = c.req.valid("param");
    const body = c.req.valid("json");
    const row = await find(siteDatabase(c.env, scope.siteId), scope, key);
    if (row.status !== "running") throw new ApiError(409, "conflict", `The experiment is ${row.status}.`);
    if (body.winner && !row.variants.some((v) => v.key === body.winner))
      throw new ApiError(400, "validation_failed", "The winner must be one of the variants.", [
        { path: "winner", message: "Unknown variant." },
      ]);
    const now = Date.now();
    const patch = { status: "stopped" as const, winner: body.winner ?? null, decision: body.decision ?? null };
    return c.json(view(await changed(c.env, scope, key, { ...patch, stoppedAt: now, updatedAt: now })), 200);
  },
);

experimentRunRoutes.openapi(
  createRoute({
    ...route(
      "post",
      "/api/v1/experiments/{key}/assign",
      "The variant of a user or visitor, as the snippet gives it",
      "read",
    ),
    description:
      "Same hash as the snippet (core/experiment-assign.ts) on the experiment key and the user id (else the visitor id). " +
      "A stopped experiment serves its winner, or its control; a draft serves control.",
    request: { params: KeyParam, query: SiteQuery, body: { ...json(AssignInput), required: true } },
    responses: {
      200: { description: "Assignment", ...json(Assignment) },
      400: { description: "No unit", ...errors },
      404: { description: "Unknown", ...errors },
    },
  }),
  async (c) => {
    const row = await find(siteDatabase(c.env, siteScope(c).siteId), siteScope(c), c.req.valid("param").key);
    const body = c.req.valid("json");
    const unit = body.user_id ?? body.visitor_id;
    if (!unit)
      throw new ApiError(400, "validation_failed", "Name the user or the visitor.", [
        { path: "user_id", message: "user_id or visitor_id is required." },
      ]);
    const variant =
      servedVariant(row.status, row.variants[0]!.key, row.winner) ??
      row.variants[
        assignVariant(
          row.key,
          unit,
          row.variants.map((v) => v.weight),
        )
      ]!.key;
    return c.json({ experiment: row.key, variant, status: row.status }, 200);
  },
);
