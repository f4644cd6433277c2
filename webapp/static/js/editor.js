// Live preview in the campaign editor (enhancement only: the Preview button shows the same page
// section without JavaScript). Posts the unsaved form, CSRF token included, and swaps the result.
(function () {
  "use strict";
  var form = document.getElementById("campaign-form");
  var box = document.getElementById("editor-preview");
  var status = document.getElementById("preview-status");
  if (!form || !box || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-preview-url");
  var timer = null;
  var latest = 0;

  function refresh() {
    var request = ++latest;
    var token = form.querySelector("[name=csrf_token]");
    box.setAttribute("aria-busy", "true");
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": token ? token.value : "" }
    })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        // Answers can arrive out of order: only the newest one is shown.
        if (html === null || request !== latest) { return; }
        box.innerHTML = html;
        if (status) { status.textContent = status.getAttribute("data-updated") || ""; }
      })
      .catch(function () { /* the Preview button still works */ })
      .then(function () { if (request === latest) { box.removeAttribute("aria-busy"); } });
  }

  function soon() { clearTimeout(timer); timer = setTimeout(refresh, 400); }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
