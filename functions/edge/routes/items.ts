// The course catalog: courses, columns and memberships, synced by the site's back end (ingest
// scope). Commission rules read category and creator from here; recommendations will too.
import { type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { getItem, type ItemInput, type ItemRow, listItems, upsertItems } from "../../../schema/queries/items";
import { CurrencyCode, MoneyAmount } from "../capture/schemas";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError, type Issue, zodIssues } from "../../shared/errors";
import { errors, IdParam, iso, ItemId, json, SiteQuery } from "../../shared/openapi";
import { toMajor, toMinor } from "../../../core/money";
import { partnersByIds } from "../../../schema/queries/partners";
import type { SiteScope } from "../../../schema/queries/scope";

export const itemRoutes = new OpenAPIHono<AppBindings>();
export const ITEMS_MAX_BULK = 1000;

const ItemFields = z
  .object({
    title: z.string().trim().min(1).max(300),
    category: z.string().trim().min(1).max(128).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(64)).max(30).default([]),
    price: MoneyAmount.nullable().optional(),
    currency: CurrencyCode.nullable().optional(),
    creator_partner_id: z.string().min(1).max(64).nullable().optional(),
    published: z.boolean().default(true),
    created_at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((i) => i.price === undefined || i.price === null || !!i.currency, {
    path: ["currency"],
    message: "Required with a price.",
  });
const BulkItem = z.object({ id: ItemId }).and(ItemFields);

function toRow(id: string, b: z.infer<typeof ItemFields>, now: number): ItemInput {
  return {
    id,
    title: b.title,
    category: b.category ?? null,
    tags: b.tags,
    priceMinor: b.price !== undefined && b.price !== null && b.currency ? toMinor(b.price, b.currency) : null,
    currency: b.currency ?? null,
    creatorPartnerId: b.creator_partner_id ?? null,
    published: b.published ? 1 : 0,
    createdAt: b.created_at ? Date.parse(b.created_at) : now,
  };
}

/** Creator partner ids the rows name that are not partners of this site (another site's included). */
async function unknownCreators(db: SiteDatabase, scope: SiteScope, rows: readonly ItemInput[]): Promise<Set<string>> {
  const named = [...new Set(rows.map((r) => r.creatorPartnerId).filter((id): id is string => !!id))];
  if (named.length === 0) return new Set();
  const known = new Set((await partnersByIds(db, scope, named)).map((p) => p.id));
  return new Set(named.filter((id) => !known.has(id)));
}
const NOT_A_PARTNER = "Not a partner of this site.";

function itemView(r: ItemRow): z.infer<typeof Item> {
  return {
    id: r.id,
    title: r.title,
    category: r.category,
    tags: r.tags,
    price: r.priceMinor !== null && r.currency ? toMajor(r.priceMinor, r.currency) : null,
    currency: r.currency,
    creator_partner_id: r.creatorPartnerId,
    published: r.published,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}
const Item = z
  .object({
    id: z.string(),
    title: z.string(),
    category: z.string().nullable(),
    tags: z.array(z.string()),
    price: z.number().nullable().openapi({ description: "Major units of `currency`." }),
    currency: z.string().nullable(),
    creator_partner_id: z.string().nullable(),
    published: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Item");

itemRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/v1/items/{id}",
    tags: ["Catalog"],
    summary: "Create or replace an item (ingest scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("ingest")] as const,
    request: {
      params: z.object({ id: ItemId.openapi({ param: { name: "id", in: "path" } }) }),
      query: SiteQuery,
      body: { ...json(ItemFields), required: true },
    },
    responses: { 200: { description: "Stored", ...json(Item) }, 400: { description: "Invalid", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const id = c.req.valid("param").id;
    const row = toRow(id, c.req.valid("json"), Date.now());
    if ((await unknownCreators(siteDatabase(c.env, scope.siteId), scope, [row])).size > 0)
      throw new ApiError(400, "validation_failed", NOT_A_PARTNER, [
        { path: "creator_partner_id", message: NOT_A_PARTNER },
      ]);
    await upsertItems(siteDatabase(c.env, scope.siteId), scope, [row], Date.now());
    return c.json(itemView((await getItem(siteDatabase(c.env, scope.siteId), scope, id))!), 200);
  },
);

itemRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/items",
    tags: ["Catalog"],
    summary: `Create or replace up to ${ITEMS_MAX_BULK} items; invalid ones are reported by index, valid ones kept (ingest scope)`,
    security: [{ bearer: [] }],
    middleware: [requireScope("ingest")] as const,
    request: {
      query: SiteQuery,
      body: { ...json(z.object({ items: z.array(z.unknown()).min(1).max(ITEMS_MAX_BULK) })), required: true },
    },
    responses: {
      200: {
        description: "Stored",
        ...json(
          z.object({
            stored: z.number(),
            rejected: z.array(
              z.object({ index: z.number(), issues: z.array(z.object({ path: z.string(), message: z.string() })) }),
            ),
          }),
        ),
      },
      400: { description: "Nothing valid", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const now = Date.now();
    const parsedRows: { index: number; row: ItemInput }[] = [];
    const rejected: { index: number; issues: Issue[] }[] = [];
    c.req.valid("json").items.forEach((raw, index) => {
      const parsed = BulkItem.safeParse(raw);
      if (parsed.success) parsedRows.push({ index, row: toRow(parsed.data.id, parsed.data, now) });
      else rejected.push({ index, issues: zodIssues(parsed.error, `items.${index}`) });
    });
    const unknown = await unknownCreators(
      siteDatabase(c.env, scope.siteId),
      scope,
      parsedRows.map((p) => p.row),
    );
    const rows: ItemInput[] = [];
    for (const { index, row } of parsedRows) {
      if (row.creatorPartnerId && unknown.has(row.creatorPartnerId))
        rejected.push({ index, issues: [{ path: `items.${index}.creator_partner_id`, message: NOT_A_PARTNER }] });
      else rows.push(row);
    }
    rejected.sort((a, b) => a.index - b.index);
    if (rows.length === 0)
      throw new ApiError(
        400,
        "validation_failed",
        "No item was valid.",
        rejected.flatMap((r) => r.issues),
      );
    await upsertItems(siteDatabase(c.env, scope.siteId), scope, rows, now);
    return c.json({ stored: rows.length, rejected }, 200);
  },
);

itemRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/items/{id}",
    tags: ["Catalog"],
    summary: "Get an item (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: { 200: { description: "The item", ...json(Item) }, 404: { description: "Unknown", ...errors } },
  }),
  async (c) => {
    const item = await getItem(siteDatabase(c.env, siteScope(c).siteId), siteScope(c), c.req.valid("param").id);
    if (!item) throw new ApiError(404, "not_found", "No such item.");
    return c.json(itemView(item), 200);
  },
);

itemRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/items",
    tags: ["Catalog"],
    summary: "List items by id (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: {
      query: SiteQuery.extend({
        after: z.string().max(128).default("").openapi({ description: "The last id of the previous page." }),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
    },
    responses: {
      200: { description: "Items", ...json(z.object({ data: z.array(Item), next_after: z.string().nullable() })) },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const rows = await listItems(siteDatabase(c.env, siteScope(c).siteId), siteScope(c), q.after, q.limit + 1);
    const page = rows.slice(0, q.limit);
    return c.json({ data: page.map(itemView), next_after: rows.length > q.limit ? page.at(-1)!.id : null }, 200);
  },
);
