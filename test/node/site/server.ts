// A small customer site for the browser tests: a multi-page site, a single-page app, a hash-routed
// app, a manual-mode page and a page whose own script is broken; every page under a strict CSP.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";

export interface TagOptions {
  siteKey: string;
  attrs?: string;
  /** Also load the experiments add-on (/t/experiments.js) after the snippet. */
  experiments?: boolean;
}

/** Files a test puts on the site (a lesson video generated in the browser), served from its own origin. */
export type SiteFiles = Map<string, { type: string; body: Buffer }>;

export async function startTestSite(workerOrigin: string, tagFor: (path: string) => TagOptions) {
  const files: SiteFiles = new Map();
  const appJs = readFileSync(resolve(import.meta.dirname, "app.js"), "utf8");
  const page = (path: string, title: string, body: string) => {
    const tag = tagFor(path);
    return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<script src="/app.js"></script>
<script defer src="${workerOrigin}/t.js" data-site="${tag.siteKey}" ${tag.attrs ?? ""}></script>
${tag.experiments ? `<script defer src="${workerOrigin}/t/experiments.js?site=${tag.siteKey}"></script>` : ""}
</head><body><h1>${title}</h1>
<nav><a id="home" href="/">Home</a> <a id="courses" href="/courses">Courses</a> <a id="about" href="/about">About</a></nav>
${body}</body></html>`;
  };
  // Rendered per request: tests switch the site key and tag attributes between pages.
  const pages: Record<string, () => string> = {
    "/": () => page("/", "Home", `<a id="rec" href="/courses" data-wayfind-rec="rec-123">Recommended: Python</a>`),
    "/courses": () =>
      page(
        "/courses",
        "Courses",
        `<a id="outbound" href="https://partner.example.org/offer">Partner offer</a>
       <a id="download" href="/files/syllabus.pdf">Syllabus</a>
       <button id="lead" data-wayfind-event="Lead Form" data-wayfind-prop-course="py-101" data-wayfind-prop-plan="annual">Get info</button>
       <button id="signup" data-action="signup">Sign up</button>
       <button id="identify" data-action="identify">Log in</button>
       <button id="purchase" data-action="purchase">Buy</button>`,
      ),
    "/about": () => page("/about", "About", ""),
    // app.js renders its recommendation widget after load, as an API call's answer would be.
    "/recs": () => page("/recs", "Recommended", `<div id="recs"></div>`),
    "/spa": () =>
      page(
        "/spa",
        "SPA",
        `<button id="to-courses" data-action="spa-courses">Courses</button>
       <button id="to-course-1" data-action="spa-course-1">Course 1</button>
       <button id="replace-same" data-action="spa-replace-same">Replace</button>`,
      ),
    "/hash": () => page("/hash", "Hash app", `<a id="to-pricing" href="#/pricing">Pricing</a>`),
    "/manual": () => page("/manual", "Manual", `<button id="manual-pageview" data-action="pageview">Track</button>`),
    "/broken": () => page("/broken", "Broken", `<button id="host-throws" data-action="host-throws">Break</button>`),
    "/private/draft": () => page("/private/draft", "Draft", ""),
    "/lesson": () =>
      page(
        "/lesson",
        "Lesson",
        `<video id="lesson" data-wayfind-lesson="l1" data-wayfind-course="c1" src="/media/lesson.webm" muted playsinline></video>`,
      ),
  };
  const csp = `default-src 'self'; script-src 'self' ${workerOrigin}; connect-src ${workerOrigin}; style-src 'self'`;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/favicon.ico") return res.writeHead(204).end();
    const file = files.get(path);
    if (file) return res.writeHead(200, { "content-type": file.type }).end(file.body);
    if (path === "/app.js") return res.writeHead(200, { "content-type": "text/javascript" }).end(appJs);
    if (path === "/files/syllabus.pdf")
      return res.writeHead(200, { "content-type": "text/plain" }).end("%PDF-1.4 syllabus");
    const render = pages[path] ?? (path.startsWith("/spa/") ? pages["/spa"] : undefined);
    if (!render) return res.writeHead(404).end("not found");
    const html = render();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": csp }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, files, close: () => new Promise<void>((r) => server.close(() => r())) };
}
