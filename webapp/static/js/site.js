// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentElement.querySelector(".copy-status");
    if (!input || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value || input.textContent).then(function () {
        if (status) { status.textContent = status.getAttribute("data-copied"); }
      });
    });
  });
  // The ZIP field's district hint lives in its own file, fetched only where a ZIP field is.
  if (document.querySelector("input[name=zip_code]") && document.currentScript) {
    var hintScript = document.createElement("script");
    hintScript.src = document.currentScript.src.replace(/[^/?]*(\?.*)?$/, "zip-hint.js");
    document.head.appendChild(hintScript);
  }
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // The Send button counts the offices shown; once the supporter changes the ticks, it says
  // so in words instead of a number that would be stale until the next preview.
  var send = document.querySelector("[data-preview-actions] [data-changed-label]");
  document.querySelectorAll(".offices input[type=checkbox]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (send) { send.textContent = send.getAttribute("data-changed-label"); }
    });
  });
})();
