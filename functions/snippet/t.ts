// The tracking snippet every customer page embeds. Budget: 2 KB gzip. It must never throw into the
// host page (everything runs inside try/catch), adds no global but `wayfind`, needs no eval or
// inline script (strict CSP), and keeps no identifier unless the site opts into cookie mode.
// Compiled by scripts/build-snippet.mjs (esbuild, minified) and served by the edge at /t.js.

type Props = Record<string, unknown>;
type Fields = Record<string, unknown>;
type Api = ((command: string, ...args: unknown[]) => void) & { q?: IArguments[] };

((w: Window & { wayfind?: Api }, d: Document, nav: Navigator & { globalPrivacyControl?: boolean }) => {
  const queued = w.wayfind?.q ?? [];
  let api: Api = () => {};
  try {
    const script = d.currentScript as HTMLScriptElement;
    const data = script.dataset;
    const on = (name: string) => data[name] !== undefined && data[name] !== "false";
    const endpoint = (data.api ?? new URL(script.src).origin).replace(/\/$/, "") + "/api/collect";
    const hashRouting = on("hash");
    const excluded = (data.exclude ?? "")
      .split(",")
      .filter(Boolean)
      .map(
        (glob) =>
          new RegExp(
            `^${glob
              .trim()
              .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
              .replace(/\*/g, ".*")}$`,
          ),
      );
    const store = (key: string, value?: string) => {
      try {
        if (value === undefined) return sessionStorage.getItem(key) ?? undefined;
        sessionStorage.setItem(key, value);
      } catch {
        /* storage blocked: keep going without it */
      }
    };
    const newId = () => Date.now().toString(36) + Math.random().toString(36).slice(2, 10);

    if (on("respectDnt") && (nav.doNotTrack === "1" || nav.globalPrivacyControl)) throw 0; // install the no-op API

    let visitorId: string | undefined;
    if (on("cookie")) {
      visitorId = /(?:^|; )_wf_vid=([^;]+)/.exec(d.cookie)?.[1] ?? newId();
      d.cookie = `_wf_vid=${visitorId};max-age=31536000;path=/;samesite=lax${location.protocol == "https:" ? ";secure" : ""}`;
    }

    // Batching: events wait up to 1 s; page exits and clicks flush at once with sendBeacon.
    let queue: Fields[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const send = (body: string, beacon: boolean, retry: boolean) => {
      if (beacon && nav.sendBeacon?.(endpoint, body)) return;
      const again = () => retry && setTimeout(() => send(body, false, false), 2000);
      // text/plain keeps it a simple request (no CORS preflight); 4xx answers are dropped politely.
      fetch(endpoint, {
        method: "POST",
        body,
        keepalive: true,
        credentials: "omit",
        headers: { "content-type": "text/plain" },
      })
        .then((r) => r.status > 499 && again())
        .catch(again);
    };
    const flush = (beacon = false) => {
      clearTimeout(timer);
      timer = undefined;
      while (queue.length) send(JSON.stringify({ site: data.site, events: queue.splice(0, 50) }), beacon, true);
    };
    const track = (type: string, fields: Fields = {}) => {
      if (excluded.some((r) => r.test(location.pathname))) return;
      const user = store("wf_uid");
      queue.push({
        id: newId(),
        type,
        ts: Date.now(),
        url: location.href,
        user_id: user,
        visitor_id: visitorId,
        ...fields,
      });
      timer ??= setTimeout(flush, 1000);
    };

    // Engaged time: counted only while the page is visible and the visitor was active in the last 30 s.
    const IDLE = 30000;
    let engaged = 0;
    let since = 0;
    let lastActive = Date.now();
    let pageUrl: string | undefined;
    const pause = () => {
      if (since) engaged += Math.max(0, Math.min(Date.now(), lastActive + IDLE) - since);
      since = 0;
    };
    const resume = () => {
      if (!since && d.visibilityState == "visible") since = Date.now();
    };
    const active = () => {
      if (Date.now() - lastActive > IDLE) pause();
      lastActive = Date.now();
      resume();
    };
    const flushEngagement = () => {
      pause();
      if (engaged > 999 && pageUrl) track("engagement", { engaged_ms: Math.round(engaged), url: pageUrl });
      engaged = 0;
    };

    // Page views: one per distinct path (with the hash when routing by hash), so framework
    // replaceState calls, reloads' own history entries and bfcache restores never double count.
    let lastPath: string | undefined;
    const pageview = (force?: boolean) => {
      const path = location.pathname + location.search + (hashRouting ? location.hash : "");
      if (path == lastPath && !force) return;
      flushEngagement();
      track("pageview", {
        referrer: pageUrl ?? (d.referrer || undefined),
        title: d.title,
        screen: `${screen.width}x${screen.height}`,
        language: nav.language,
      });
      lastPath = path;
      pageUrl = location.href;
      lastActive = Date.now();
      resume();
    };

    const listen = (target: EventTarget, type: string, handler: (e: Event) => void) =>
      target.addEventListener(
        type,
        (e) => {
          try {
            handler(e);
          } catch {
            /* never into the host page */
          }
        },
        true,
      );
    for (const type of ["mousemove", "keydown", "scroll", "touchstart", "click"]) listen(d, type, active);
    listen(d, "visibilitychange", () => {
      if (d.visibilityState == "visible") active();
      else {
        flushEngagement();
        flush(true);
      }
    });
    listen(w, "pagehide", () => {
      flushEngagement();
      flush(true);
    });
    listen(w, "pageshow", (e) => (e as PageTransitionEvent).persisted && active()); // bfcache: resume, no new view

    listen(d, "click", (e) => {
      const target = e.target as Element;
      const custom = target.closest?.("[data-wayfind-event]");
      if (custom) {
        const props: Props = {};
        for (const a of custom.attributes)
          if (a.name.startsWith("data-wayfind-prop-")) props[a.name.slice(18)] = a.value;
        track("custom", { name: custom.getAttribute("data-wayfind-event"), props });
      }
      const rec = target.closest?.("[data-wayfind-rec]")?.getAttribute("data-wayfind-rec");
      if (rec) {
        store("wf_rec", rec);
        track("click", { name: "Recommendation Click", rec_id: rec });
      }
      const link = target.closest?.("a[href]") as HTMLAnchorElement | null;
      if (link) {
        const url = new URL(link.href, location.href);
        const name = /\.(pdf|zip|rar|7z|epub|mobi|docx?|xlsx?|pptx?|csv|txt|mp3|mp4|mov|avi|dmg|exe|apk)$/i.test(
          url.pathname,
        )
          ? "File Download"
          : url.host != location.host && url.protocol.startsWith("http")
            ? "Outbound Link: Click"
            : "";
        if (name) track("click", { name, props: { url: url.href } });
      }
      if (queue.length) flush(true); // the click may navigate away
    });

    const commands: Record<string, (...args: any[]) => void> = {
      event: (name: string, props?: Props) => track("custom", { name, props }),
      purchase: (order: Fields) => track("purchase", { rec_id: store("wf_rec"), ...order }),
      signup: (fields: Fields = {}) => {
        if (fields.user_id) store("wf_uid", String(fields.user_id));
        track("signup", fields);
      },
      identify: (userId: unknown) => {
        store("wf_uid", String(userId));
        track("custom", { name: "identify" });
      },
      pageview: () => pageview(true),
    };
    api = (command, ...args) => {
      try {
        commands[command]?.(...args);
      } catch {
        /* never into the host page */
      }
    };

    if (!on("manual")) {
      for (const method of ["pushState", "replaceState"] as const) {
        const original = history[method];
        history[method] = function (this: History, ...args: Parameters<History["pushState"]>) {
          original.apply(this, args);
          try {
            pageview();
          } catch {
            /* never into the host page */
          }
        } as History["pushState"];
      }
      listen(w, "popstate", () => pageview());
      if (hashRouting) listen(w, "hashchange", () => pageview());
      pageview();
    }
  } catch {
    /* opted out, or no usable script tag: keep the no-op API */
  }
  w.wayfind = api;
  for (const args of queued) api(...(args as unknown as [string]));
})(window, document, navigator);
