// The experiments add-on, served at /t/experiments.js and included after /t.js on pages that run
// on-site experiments, so the core snippet stays inside its size budget for every other page.
// `wayfind('experiment', key, {variants, weights})` returns the visitor's variant: the hash of
// core/experiment-assign.ts (the same as the server's /assign) on the user id the page identified,
// else the cookie-mode visitor id, else an anonymous id kept in localStorage. It records one
// exposure per session (a custom event); `winner` (a stopped experiment) is served without one.
// Status-aware: served as /t/experiments.js?site=KEY, the edge appends `wayfind("experiments", {…})`
// with the site's statuses (1: running; a variant key: what a draft or stopped experiment serves,
// its control or winner, with no exposure). Experiments it does not name run as the page says.
import { assignVariant, EXPOSURE_EVENT } from "../../core/experiment-assign";
import type { Plugin } from "./addon";
import { tagOption, visitorCookie } from "./cookie";

type Api = (command: string, ...args: unknown[]) => unknown;
interface Options {
  variants: string[];
  weights?: number[];
  winner?: string;
}

((w: Window & { wayfind?: Api }) => {
  const core = w.wayfind;
  // In cookie mode the visitor id is the unit: made here if this add-on runs before the options
  // add-on (the core adds that one as an async script, which may run after this deferred one),
  // so both use the same id.
  let cookieMode: unknown;
  const plugin: Plugin = (_t, data) => (cookieMode = tagOption(data, "cookie"));
  core?.("_", plugin);
  const s = sessionStorage;
  const l = localStorage;
  let known: Record<string, string | 1> = {};
  const experiment = (key: string, o: Options) => {
    const served = o.winner ?? known[key];
    if (typeof served == "string") return served;
    let unit = s.getItem("wf_uid") ?? visitorCookie(cookieMode) ?? l.getItem("wf_xid");
    if (!unit) l.setItem("wf_xid", (unit = Date.now().toString(36) + Math.random().toString(36).slice(2, 10)));
    const v = o.variants;
    const variant = v[assignVariant(key, unit, o.weights ?? v.map(() => 1 / v.length))];
    if (!s.getItem("wf_x_" + key)) {
      s.setItem("wf_x_" + key, "1");
      core?.("event", EXPOSURE_EVENT, { experiment: key, variant });
    }
    return variant;
  };
  w.wayfind = (command, ...args) => {
    if (command == "experiments") return void (known = args[0] as typeof known);
    if (command != "experiment") return core?.(command, ...args);
    try {
      return experiment(args[0] as string, args[1] as Options);
    } catch {
      return (args[1] as Options | undefined)?.variants?.[0]; // storage blocked: control, never an error
    }
  };
})(window);
