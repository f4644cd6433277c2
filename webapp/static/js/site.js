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
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
