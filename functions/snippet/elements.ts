// The elements add-on, served at /t/elements.js: the core loads it when the page has (or, at a
// later sign of activity, gains) one of these elements.
//   data-wayfind-event="Name": a click sends a custom event, with its data-wayfind-prop-* as props.
//   data-wayfind-rec="REC_ID": a click sends `Recommendation Click`; the id rides on a later purchase.
//     The core sends these itself (a tap may navigate before this add-on arrives); this add-on
//     does only for an older core, pinned at /t/VERSION.js, which says nothing of it.
//   <video data-wayfind-lesson="LESSON_ID" data-wayfind-course="COURSE_ID">: lesson_start on the
//   first play, then lesson_progress as playback (or a seek) reaches 25/50/75/100 % of the video,
//   and lesson_complete at 100 %: each once per video element and lesson, so once per page view.
import type { Plugin, Track, Wayfind } from "./addon";

((w: Window & { wayfind?: Wayfind }, d: Document) => {
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

  /** Per video element: the lesson it reported on and the highest milestone sent (-1: not started). */
  const reported = new WeakMap<HTMLVideoElement, [string, number]>();
  const lessonVideo = (track: Track, v: HTMLVideoElement) => {
    const lesson = v.dataset?.wayfindLesson;
    if (!lesson || !(v instanceof HTMLVideoElement)) return;
    const props = { course_id: v.dataset.wayfindCourse, lesson_id: lesson };
    const before = reported.get(v);
    let at = before?.[0] == lesson ? before[1] : -1; // a player reused for another lesson starts over
    if (at < 0) {
      if (v.paused && !v.played.length) return; // not played yet (this add-on may load mid-play)
      track("lesson_start", { props });
      at = 0;
    }
    // NaN or 0 while the length is unknown, 0 for a live stream: nothing to report yet.
    const reached = v.ended ? 100 : 25 * Math.floor((4 * v.currentTime) / v.duration);
    while (at < Math.min(reached, 100)) {
      at += 25;
      track("lesson_progress", { props: { ...props, percent: at } });
      if (at == 100) track("lesson_complete", { props });
    }
    reported.set(v, [lesson, at]);
  };

  const plugin: Plugin = (track, _data, store, _gate, coreSendsRecs) => {
    // On the window, capturing: before the core's click listener, whose flush then sends these at
    // once (the click may navigate away).
    listen(w, "click", (e) => {
      const target = e.target as Element;
      const custom = target.closest<HTMLElement>("[data-wayfind-event]");
      if (custom) {
        const props: Record<string, string> = {};
        for (const a of custom.attributes)
          if (a.name.startsWith("data-wayfind-prop-")) props[a.name.slice(18)] = a.value;
        track("custom", { name: custom.dataset.wayfindEvent, props });
      }
      const rec = target.closest<HTMLElement>("[data-wayfind-rec]")?.dataset.wayfindRec;
      if (rec && !coreSendsRecs) {
        store("wf_rec", rec);
        track("click", { name: "Recommendation Click", rec_id: rec });
      }
    });
    // Media events do not bubble; a capturing listener on the document still sees them.
    for (const type of ["play", "timeupdate", "ended"])
      listen(d, type, (e) => lessonVideo(track, e.target as HTMLVideoElement));
    d.querySelectorAll<HTMLVideoElement>("video[data-wayfind-lesson]").forEach((v) => lessonVideo(track, v));
  };
  w.wayfind?.("_", plugin);
})(window, document);
