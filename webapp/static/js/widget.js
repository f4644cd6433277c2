// Inside the widget frame: tell the embedding page our height, and when a letter was sent.
(function () {
  "use strict";
  var root = document.documentElement;
  var parentOrigin = root.getAttribute("data-parent-origin");
  var wid = root.getAttribute("data-wid");
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
  if (window.ResizeObserver) { new ResizeObserver(size).observe(document.body); }
  window.addEventListener("load", size);
  document.addEventListener("toggle", size, true);
  size();
  var sent = document.querySelector('meta[name="civic-letters-sent"]');
  if (sent && sent.content === "sent") { post({ type: "civic-letters:sent" }); }
})();
