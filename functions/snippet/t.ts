// The tracking snippet every customer page embeds. Budget: SNIPPET_GZIP_BUDGET (1.5 KB gzip,
// scripts/build-snippet.mjs). It must never throw into the host page (everything runs inside
// try/catch), adds no global but `wayfind`, needs no eval or inline script (strict CSP), and keeps
// no identifier unless the site opts into cookie mode. Compiled by scripts/build-snippet.mjs
// (esbuild, minified) and served by the edge at /t.js.
//
// Add-ons: parts only some pages need are served at /t/NAME.js (scripts/build-snippet.mjs
// ADD_ONS) and loaded by the core when the page needs them: `options` (options.ts) when the tag
// has data-cookie, data-exclude or data-respect-dnt (events wait for it, so nothing leaves before
// it decides), `elements` (elements.ts) when the page has a data-wayfind-event or lesson video
// element (looked for at each page view and each sign of activity, so elements rendered later
// count too). data-wayfind-rec clicks are the core's own: a tap on a recommendation rendered a
// moment ago may navigate before any add-on could arrive, and its id credits the purchase.
// An add-on plugs in with wayfind("_", plugin): the core calls plugin(track, data, store, gate, 1),
// gate(filter) being how `options` releases the waiting events through its filter, and the 1
// telling `elements` that the core sends rec clicks (an older core, without it, leaves them to the
// add-on). The core and the add-ons are built together, but a site may pin /t/VERSION.js while
// add-ons are always current: keep that call compatible.

type Fields = Record<string, unknown>;
type Api = ((command: string, ...args: unknown[]) => void) & { q?: IArguments[] };
type Handler = (...args: any[]) => unknown;

((w: Window & { wayfind?: Api }, d: Document, nav: Navigator & { globalPrivacyControl?: boolean }, loc: Location) => {
  const queued = w.wayfind?.q ?? [];
  /** Runs a handler, never letting its error reach the host page. */
  const safe =
    (f: Handler) =>
    (...args: unknown[]) => {
      try {
        f(...args);
      } catch {
        /* never into the host page */
      }
    };
  let api!: Handler; // until set, calls fail inside safe(): the no-op API
  try {
    const now = Date.now;
    const script = d.currentScript as HTMLScriptElement;
    const data = script.dataset;
    const on = (name: string) => (data[name] ?? "false") != "false";
    const endpoint = (data.api ?? new URL(script.src).origin).replace(/\/$/, "") + "/api/collect";
    const store = (key: string, value?: unknown) => {
      try {
        return value ? sessionStorage.setItem(key, value as string) : (sessionStorage.getItem(key) ?? undefined);
      } catch {
        /* storage blocked: keep going without it */
      }
    };
    // Beside t.js: /t/NAME.js, also for a site that pins /t/VERSION.js.
    // A script inserted without a src waits, and runs once the src is set.
    const load = (name: string) =>
      (d.head.appendChild(d.createElement("script")).src = script.src.replace(/(\/t)?\/[^/]*$/, `/t/${name}.js`));
    // data-cookie, data-exclude and data-respect-dnt: events wait for the options add-on's filter.
    let filter: ((event: Fields) => unknown) | false =
      !/cookie|exclude|respectDnt/.test(Object.keys(data) as unknown as string) && Boolean;
    if (!filter) load("options");

    // Batching: events wait up to 1 s; page exits and clicks flush at once with sendBeacon.
    let queue: Fields[] = [];
    let timer: ReturnType<typeof setTimeout> | 0 = 0;
    const send = (body: string, beacon?: unknown, retry?: unknown) => {
      const again = () => retry && setTimeout(() => send(body), 2000);
      // A string body goes as text/plain, a simple request (no CORS preflight); 4xx answers are dropped politely.
      (beacon && nav.sendBeacon(endpoint, body)) ||
        fetch(endpoint, { method: "POST", body, keepalive: true })
          .then((r) => r.status > 499 && again())
          .catch(again);
    };
    const flush = (beacon?: unknown) => {
      clearTimeout(timer);
      timer = 0;
      if (filter)
        for (queue = queue.filter(filter); queue.length;)
          send(JSON.stringify({ site: data.site, events: queue.splice(0, 50) }), beacon, 1);
    };
    // _stored: room for a store() call in the arguments (signup, identify), evaluated first.
    const track = (type: string, fields?: Fields, _stored?: unknown) => {
      queue.push({
        id: `${now()}${Math.random()}`, // "17648…0.4311…": unique, and of the collector's id characters
        type,
        ts: now(),
        url: loc.href,
        user_id: store("wf_uid"),
        ...fields,
      });
      timer ||= setTimeout(flush, 1000);
    };

    // Engaged time: counted only while the page is visible and the visitor was active in the last
    // 30 s. Each sign of activity adds the time since the previous one (at most 30 s) if the page
    // was shown meanwhile; leaving (hidden tab, page exit) adds the last stretch and stops counting.
    let engaged = 0;
    let last = now();
    let shown: unknown;
    let pageUrl: string | undefined;
    const tick = () => {
      if (shown) engaged += Math.min(now() - last, 30000); // 30 s: the idle limit
      last = now();
      shown = !d.hidden;
    };
    const flushEngagement = () => {
      tick();
      if (engaged > 999 && pageUrl) track("engagement", { engaged_ms: engaged, url: pageUrl });
      engaged = 0;
    };
    const leave = () => {
      flushEngagement();
      shown = 0;
      flush(1);
    };
    let elements: unknown;
    // Activity and a tab coming back (a bfcache restore too: no new view) count; a hidden tab leaves.
    const active = () => {
      if (d.hidden) return leave();
      tick();
      if (!elements && (elements = d.querySelector("[data-wayfind-event],[data-wayfind-lesson]"))) load("elements");
    };

    // Page views: one per distinct path (with the hash when routing by hash), so framework
    // replaceState calls, reloads' own history entries and bfcache restores never double count.
    let lastPath: string | undefined;
    const pageview = safe(() => {
      const path = loc.href.split(on("hash") ? (undefined as never) : "#")[0];
      if (path == lastPath) return;
      flushEngagement();
      track("pageview", {
        referrer: pageUrl || d.referrer || undefined,
        title: d.title,
        screen: `${screen.width}x${screen.height}`,
        language: nav.language,
      });
      lastPath = path;
      pageUrl = loc.href;
      active();
    });

    const listen = (target: EventTarget, type: string, handler: Handler) =>
      target.addEventListener(type, safe(handler), true);
    for (const type of "mousemove keydown scroll touchstart click visibilitychange".split(" ")) listen(d, type, active);
    listen(w, "pagehide", leave);

    listen(d, "click", (e: Event) => {
      const target = e.target as Element;
      // data-wayfind-event: the elements add-on, whose listener runs first. data-wayfind-rec: here,
      // so even a tap before any add-on arrived counts (this flush sends it before the page leaves).
      const rec = target.closest<HTMLElement>("[data-wayfind-rec]")?.dataset.wayfindRec;
      if (rec) {
        store("wf_rec", rec);
        track("click", { name: "Recommendation Click", rec_id: rec });
      }
      // An <a> parses its own href (pathname, host, protocol); an SVG link has none of them and sends nothing.
      const link = target.closest<HTMLAnchorElement>("a[href]");
      if (link) {
        const name = /\.(pdf|zip|rar|7z|epub|mobi|(doc|xls|ppt)x?|csv|txt|mp[34]|mov|avi|dmg|exe|apk)$/i.test(
          link.pathname,
        )
          ? "File Download"
          : link.host != loc.host && /^http/.test(link.protocol)
            ? "Outbound Link: Click"
            : "";
        if (name) track("click", { name, props: { url: link.href } });
      }
      flush(1); // the click may navigate away
    });

    const commands: Record<string, Handler> = {
      event: (name: string, props?: Fields) => track("custom", { name, props }),
      purchase: (order: Fields) => track("purchase", { rec_id: store("wf_rec"), ...order }),
      // store() runs first (arguments are evaluated before the call); without a user_id, a read.
      signup: (fields?: Fields) => track("signup", fields, store("wf_uid", fields?.user_id)),
      identify: (userId: unknown) => track("custom", { name: "identify" }, store("wf_uid", userId)),
      // The add-on hook (see the top of this file).
      _: (plugin: Handler) =>
        plugin(
          track,
          data,
          store,
          (f: typeof filter) => {
            filter = f;
            flush();
          },
          1,
        ),
      pageview: () => pageview((lastPath = "")), // asked for: counted even on the same path
    };
    api = (command: string, ...args: unknown[]) =>
      commands[command]
        ? commands[command](...args)
        : // Learning events (core/event.ts LEARNING_EVENT_TYPES): wayfind('lesson_start', {course_id, lesson_id}).
          /^(lesson_|quiz_|rating|certificate)/.test(command) && track(command, { props: args[0] });

    if (!on("manual")) {
      for (const method of ["pushState", "replaceState"] as const) {
        const original = history[method];
        history[method] = function (this: History, ...args: Parameters<History["pushState"]>) {
          original.apply(this, args);
          pageview(); // never throws: safe
        };
      }
      listen(w, "popstate", pageview);
      listen(w, "hashchange", pageview); // without data-hash, the same path: no new view
      pageview();
    }
  } catch {
    /* no usable script tag: keep the no-op API */
  }
  w.wayfind = safe(api);
  for (const args of queued) (w.wayfind as Handler)(...args);
})(window, document, navigator, location);
