// The options add-on, served at /t/options.js: the core loads it when its tag has data-cookie,
// data-exclude or data-respect-dnt, and holds every event until this filter is in place, so no
// event leaves before these are applied (and none at all if the add-on cannot load).
//   data-respect-dnt: nothing is sent when the browser sends Do Not Track or Global Privacy Control.
//   data-exclude="/admin/*,/preview/*": nothing from these paths (`*` matches anything).
//   data-cookie: events carry the first-party visitor id (cookie.ts).
import type { Plugin, Wayfind } from "./addon";
import { tagOption, visitorCookie } from "./cookie";

((w: Window & { wayfind?: Wayfind }, nav: Navigator & { globalPrivacyControl?: boolean }) => {
  const plugin: Plugin = (_track, data, _store, gate) => {
    if (tagOption(data, "respectDnt") && (nav.doNotTrack == "1" || nav.globalPrivacyControl)) return gate(() => 0);
    // Globs: every character but `*` matches itself (escaped), `*` matches anything.
    const excluded = (data.exclude ?? "")
      .split(",")
      .filter(Boolean)
      .map((glob) =>
        RegExp(
          `^${glob
            .trim()
            .replace(/[^\w*]/g, "\\$&")
            .replace(/\*/g, ".*")}$`,
        ),
      );
    const visitorId = visitorCookie(tagOption(data, "cookie"));
    gate((event) => {
      event.visitor_id = visitorId;
      return !excluded.some((r) => r.test(new URL(event.url as string).pathname));
    });
  };
  w.wayfind?.("_", plugin);
})(window, navigator);
