// Inside the widget frame: tell the embedding page our height, and when a letter was sent.
(function () {
  "use strict";
  // The Send button and the note above it count the offices shown; once the supporter
  // changes the ticks, they say so in words instead of a number that would be stale until the
  // next preview.
  var send = document.querySelector("[data-preview-actions] [data-changed-label]");
  var sendHint = document.getElementById("send-hint");
  document.querySelectorAll(".offices input[type=checkbox]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (send) { send.textContent = send.getAttribute("data-changed-label"); }
      if (sendHint) { sendHint.textContent = sendHint.getAttribute("data-changed-text"); }
    });
  });
  // The ZIP field's district hint lives in its own file, fetched only where a ZIP is typed.
  // Not on the preview, which carries the ZIP in a hidden field: the hint would change that
  // page after it is shown (this file loads late) and ask for a lookup on every preview.
  if (document.querySelector("input[name=zip_code]:not([type=hidden])") &&
      document.currentScript) {
    var hintScript = document.createElement("script");
    hintScript.src = document.currentScript.src.replace(/[^/?]*(\?.*)?$/, "zip-hint.js");
    document.head.appendChild(hintScript);
  }
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
