// Inside the widget frame: tell the embedding page our height, and when a letter was sent.
(function () {
  "use strict";
  var root = document.documentElement;
  var parentOrigin = root.getAttribute("data-parent-origin");
  var wid = root.getAttribute("data-wid");
  // A step reached by pressing a button in the frame: what to read first is its errors (or why
  // it came back: an expired form), or its heading, which may be far above the button on the
  // embedding page (see civic-letters:top).
  var anchor = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
  var posted = root.hasAttribute("data-step-posted") && !anchor;  // the language switch's field
  var first = posted && (document.getElementById("error-summary") ||
    document.querySelector("[data-focus-on-load]") || document.querySelector("h1"));
  if (first) {
    if (!first.hasAttribute("tabindex")) { first.setAttribute("tabindex", "-1"); }
    first.focus({ preventScroll: Boolean(parentOrigin && wid) });
  }
  if (!parentOrigin || !wid || window.parent === window) { return; }
  function post(message) {
    message.wid = wid;
    // Sent only to the page we were issued for, never to "*".
    window.parent.postMessage(message, parentOrigin);
  }
  root.classList.add("cl-embedded");
  var last = 0;
  function size() {
    // The body's own height (not the document's, which never shrinks below the frame).
    var body = document.body;
    var height = Math.ceil(Math.max(body.scrollHeight, body.getBoundingClientRect().height));
    if (height !== last) { last = height; post({ type: "civic-letters:resize", height: height }); }
  }
  // Leaving this page (a button, a link, the frame's Back): if the next page cannot answer (the
  // app unreachable), embed.js then shrinks the frame and brings it into view. Safari on iPhones
  // fires no beforeunload: a form sent is said as it is sent, and a link or Back as the page is
  // hidden (pagehide, which it fires).
  function leaving() { post({ type: "civic-letters:leaving" }); }
  window.addEventListener("beforeunload", leaving);
  window.addEventListener("pagehide", leaving);
  document.addEventListener("submit", leaving, true);
  if (window.ResizeObserver) { new ResizeObserver(size).observe(document.body); }
  window.addEventListener("load", size);
  document.addEventListener("toggle", size, true);
  size();
  if (posted) { post({ type: "civic-letters:top" }); }
  // Our partner code names no partner of the campaign: embed.js warns in the page's console.
  if (root.getAttribute("data-partner-unknown")) { post({ type: "civic-letters:unknown-partner" }); }
  var sent = document.querySelector('meta[name="civic-letters-sent"]');
  if (sent && sent.content === "sent" && !revisited()) {
    post({ type: "civic-letters:sent", letter: sent.getAttribute("data-letter") || "" });
  }
  // The frame's name on the embedding page, in the frame's language (it cannot read our title).
  var name = document.querySelector('meta[name="civic-letters-frame-title"]');
  if (name) { post({ type: "civic-letters:title", title: name.content, lang: root.lang }); }
  // After each load the embedding page asks whether its frame still holds the widget (the
  // browser's error page, when the app cannot be reached, cannot answer): the answer is our size.
  window.addEventListener("message", function (event) {
    if (event.origin !== parentOrigin || event.source !== window.parent) { return; }
    var message = event.data || {};
    if (message.type === "civic-letters:ping" && message.wid === wid) { last = 0; size(); }
  });
  // Back then Forward to the thank-you step loads it again from the cache, scripts and all (a
  // frame's history is not kept whole in the back/forward cache: pageshow's persisted stays
  // false here): its letter was announced when it was sent.
  function revisited() {
    var entries = window.performance && performance.getEntriesByType ?
      performance.getEntriesByType("navigation") : [];
    return Boolean(entries[0] && entries[0].type === "back_forward");
  }
})();
