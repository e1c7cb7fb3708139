// Goals: what counts as a conversion on a site (a page pattern, a custom event with property
// filters, a sign-up, a purchase over an amount). Funnels and journeys name them by id.
import { type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { randomToken } from "../../../core/hash";
import { MAX_GOALS_PER_SITE } from "../../../schema/limits";
import {
  countGoals,
  deleteGoal,
  getGoal,
  type GoalRow,
  insertGoal,
  listGoals,
  replaceGoal,
} from "../../../schema/queries/goals";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, IdParam, iso, json, SiteQuery } from "../../shared/openapi";
import { assertGoal, Goal, GoalInput, goalFields, toGoal } from "../lib/analytics";
import { siteOr404 } from "../lib/sites";

export const goalRoutes = new OpenAPIHono<AppBindings>();

function view(row: GoalRow, currency: string): z.infer<typeof Goal> {
  return {
    id: row.id,
    name: row.name,
    ...goalFields(row.definition, currency),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  } as z.infer<typeof Goal>;
}

async function find(db: SiteDatabase, scope: { siteId: string }, id: string) {
  const row = await getGoal(db, scope, id);
  if (!row) throw new ApiError(404, "not_found", "No such goal.");
  return row;
}

goalRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/goals",
    tags: ["Behaviour"],
    summary: "Define a goal (admin scope)",
    description: `A site has at most ${MAX_GOALS_PER_SITE} goals.`,
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { query: SiteQuery, body: { ...json(GoalInput), required: true } },
    responses: {
      201: { description: "Created", ...json(Goal) },
      400: { description: "Invalid, or the site has its maximum of goals", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const body = c.req.valid("json");
    const definition = toGoal(body, site.currency, body.name);
    assertGoal(definition, "");
    if ((await countGoals(siteDatabase(c.env, scope.siteId), scope)) >= MAX_GOALS_PER_SITE)
      throw new ApiError(400, "too_many_goals", `A site has at most ${MAX_GOALS_PER_SITE} goals.`, [
        { path: "", message: "Delete a goal first." },
      ]);
    const now = Date.now();
    const row: GoalRow = {
      siteId: scope.siteId,
      id: `goal_${randomToken(10)}`,
      name: body.name,
      definition,
      createdAt: now,
      updatedAt: now,
    };
    await insertGoal(siteDatabase(c.env, row.siteId), row);
    return c.json(view(row, site.currency), 201);
  },
);

goalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/goals",
    tags: ["Behaviour"],
    summary: "The site's goals, oldest first (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery },
    responses: { 200: { description: "Goals", ...json(z.object({ data: z.array(Goal) })) } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const rows = await listGoals(siteDatabase(c.env, scope.siteId), scope);
    return c.json({ data: rows.map((r) => view(r, site.currency)) }, 200);
  },
);

goalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/goals/{id}",
    tags: ["Behaviour"],
    summary: "A goal (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: { 200: { description: "Goal", ...json(Goal) }, 404: { description: "Unknown", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    return c.json(
      view(await find(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id), site.currency),
      200,
    );
  },
);

goalRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/v1/goals/{id}",
    tags: ["Behaviour"],
    summary: "Replace a goal's name and definition (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery, body: { ...json(GoalInput), required: true } },
    responses: {
      200: { description: "Replaced", ...json(Goal) },
      400: { description: "Invalid", ...errors },
      404: { description: "Unknown", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const body = c.req.valid("json");
    const definition = toGoal(body, site.currency, body.name);
    assertGoal(definition, "");
    const row = await replaceGoal(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id, {
      name: body.name,
      definition,
      updatedAt: Date.now(),
    });
    if (!row) throw new ApiError(404, "not_found", "No such goal.");
    return c.json(view(row, site.currency), 200);
  },
);

goalRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/v1/goals/{id}",
    tags: ["Behaviour"],
    summary: "Delete a goal (admin scope)",
    description: "Funnels that named it by id then answer 400 for that step.",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: { 204: { description: "Deleted" }, 404: { description: "Unknown", ...errors } },
  }),
  async (c) => {
    if (!(await deleteGoal(siteDatabase(c.env, siteScope(c).siteId), siteScope(c), c.req.valid("param").id)))
      throw new ApiError(404, "not_found", "No such goal.");
    return c.body(null, 204);
  },
);
