// The host site's own script: the documented queue stub (works before t.js loads), buttons that
// call the JS API, and an error handler of the host's own, to prove ours never interferes.
window.wayfind =
  window.wayfind ||
  function () {
    (window.wayfind.q = window.wayfind.q || []).push(arguments);
  };
window.wayfind("event", "Stub Before Load", { plan: "early" });
window.hostErrors = [];
window.addEventListener("error", (e) => window.hostErrors.push(String(e.message)));
window.addEventListener("pageshow", (e) => {
  if (e.persisted) window.restoredFromBfcache = true;
});
document.addEventListener("click", (e) => {
  const action = e.target.getAttribute && e.target.getAttribute("data-action");
  if (action === "signup") window.wayfind("signup", { user_id: "learner-42" });
  if (action === "identify") window.wayfind("identify", "learner-42");
  if (action === "purchase")
    window.wayfind("purchase", { order_id: "order-77", revenue: 199, currency: "CNY", items: [{ id: "py-101" }] });
  if (action === "pageview") window.wayfind("pageview");
  if (action === "spa-courses") history.pushState({}, "", "/spa/courses");
  if (action === "spa-course-1") history.pushState({}, "", "/spa/courses/1");
  if (action === "spa-replace-same") history.replaceState({}, "", location.pathname);
  if (action === "host-throws")
    setTimeout(() => {
      throw new Error("host page bug");
    });
});
// /recs: a recommendation widget rendered a moment after load, with no visitor activity before it.
if (location.pathname === "/recs")
  window.addEventListener("load", () =>
    setTimeout(() => {
      document.getElementById("recs").innerHTML =
        '<a id="late-rec" href="/courses" data-wayfind-rec="rec-late">Recommended: SQL</a>' +
        '<button id="recs-more" data-wayfind-event="Recs More">More</button>';
    }, 100),
  );
// What the page's globals are before t.js runs (the tests check it adds none but `wayfind`).
window.globalsBeforeSnippet = Object.keys(window);
