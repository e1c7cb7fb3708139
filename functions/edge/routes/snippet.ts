// The tracking snippet: /t.js for the tag (revalidated hourly, so updates roll out), and
// /t/VERSION.js, immutable, for sites that pin a version. Its add-ons (functions/snippet/*.ts,
// scripts/build-snippet.mjs ADD_ONS) are /t/NAME.js, revalidated hourly like /t.js.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env";
import { errorBody } from "../../shared/errors";
import { experimentsScript } from "../lib/experiment-config";
import { ADD_ONS, SNIPPET_SOURCE, SNIPPET_VERSION } from "../../snippet/bundle.generated";

export const snippetRoutes = new OpenAPIHono<AppBindings>();

const HOURLY = "public, max-age=3600, stale-while-revalidate=86400";

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
  return serve(HOURLY);
});

/** An add-on's response, or undefined when `file` names none. */
function addOn(c: { req: { header(name: string): string | undefined } }, file: string): Response | undefined {
  const name = file.slice(0, -3);
  const found = Object.hasOwn(ADD_ONS, name) ? ADD_ONS[name] : undefined;
  if (!found) return undefined;
  if (c.req.header("if-none-match") === `"${found.version}"`) return new Response(null, { status: 304 });
  return serve(HOURLY, found.source, found.version);
}

// One route for both: a pinned version is hex, an add-on's name is a word.
snippetRoutes.get("/t/:file{[0-9a-z]+\\.js}", (c) => {
  const file = c.req.param("file");
  // With ?site=KEY the experiments add-on carries the site's statuses (drafts, stopped), cached at the edge.
  const site = c.req.query("site");
  if (file === "experiments.js" && site) return experimentsScript(c.env, site, c.executionCtx);
  const found = addOn(c, file);
  if (found) return found;
  if (file !== `${SNIPPET_VERSION}.js`) {
    return c.json(errorBody("not_found", `This Worker serves snippet version ${SNIPPET_VERSION}.`), 404);
  }
  return serve("public, max-age=31536000, immutable");
});
