// The tracking snippet: /t.js for the tag (revalidated hourly, so updates roll out), and
// /t/VERSION.js, immutable, for sites that pin a version.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env";
import { errorBody } from "../../shared/errors";
import { experimentsScript } from "../lib/experiment-config";
import {
  EXPERIMENTS_SOURCE,
  EXPERIMENTS_VERSION,
  SNIPPET_SOURCE,
  SNIPPET_VERSION,
} from "../../snippet/bundle.generated";

export const snippetRoutes = new OpenAPIHono<AppBindings>();

function serve(cacheControl: string, source = SNIPPET_SOURCE, version = SNIPPET_VERSION): Response {
  return new Response(source, {
    headers: {
      "content-type": "application/javascript; charset=utf-8",
      "cache-control": cacheControl,
      etag: `"${version}"`,
      "x-content-type-options": "nosniff",
      "access-control-allow-origin": "*",
    },
  });
}

snippetRoutes.get("/t.js", (c) => {
  if (c.req.header("if-none-match") === `"${SNIPPET_VERSION}"`) return c.body(null, 304);
  return serve("public, max-age=3600, stale-while-revalidate=86400");
});

snippetRoutes.get("/t/:file{[0-9a-f]+\\.js}", (c) => {
  if (c.req.param("file") !== `${SNIPPET_VERSION}.js`) {
    return c.json(errorBody("not_found", `This Worker serves snippet version ${SNIPPET_VERSION}.`), 404);
  }
  return serve("public, max-age=31536000, immutable");
});

// The experiments add-on (functions/snippet/x.ts), loaded after /t.js by pages that run experiments.
// With ?site=KEY it carries the site's statuses (drafts and stopped experiments), cached at the edge.
snippetRoutes.get("/t/experiments.js", (c) => {
  const site = c.req.query("site");
  if (site) return experimentsScript(c.env.DB, site, c.executionCtx);
  if (c.req.header("if-none-match") === `"${EXPERIMENTS_VERSION}"`) return c.body(null, 304);
  return serve("public, max-age=3600, stale-while-revalidate=86400", EXPERIMENTS_SOURCE, EXPERIMENTS_VERSION);
});
