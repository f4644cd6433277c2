// Beside each ZIP field, says which districts the ZIP spans as it is typed, so the supporter
// adds their street address before previewing. Enhancement only: without it the form asks the
// same question after "Preview". The sentence comes localised from the JSON API, in two forms:
// asking for the street address, and once the form has one, saying it will settle the district.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var lang = document.documentElement.getAttribute("lang") || "";

  function enhance(zip) {
    var hint = document.createElement("p");
    hint.className = "hint zip-hint";
    hint.id = (zip.id || "zip_code") + "-districts";
    // Where the form lists the offices as the ZIP is typed, its status says this too (once):
    // two live regions told the same news together (targets.js).
    if (!(zip.form && zip.form.querySelector("[data-targets-status]"))) {
      hint.setAttribute("aria-live", "polite");
    }
    (zip.closest(".field") || zip.parentNode).appendChild(hint);
    var described = zip.getAttribute("aria-describedby");
    zip.setAttribute("aria-describedby", (described ? described + " " : "") + hint.id);
    var state = zip.form && zip.form.querySelector("[name=state]");
    var street = zip.form && zip.form.querySelector("[name=street]");
    // The form came back asking which of this ZIP's districts is theirs (the address service
    // could not tell from the street): "add your street" beside the ZIP would contradict it.
    // Or asking for the street in an error on it (or on the ZIP): the hint would say it again.
    // (The template says so: data-zip-asked, as for targets.js.)
    var choosing = !!zip.form && zip.form.querySelector("[data-zip-asked]") !== null;
    var asked = "";
    var answer = null;
    var timer = null;

    function show() {
      var given = street && street.value.trim();
      var text = (answer && (given ? answer.zip_hint_street : answer.zip_hint)) || "";
      if (hint.textContent !== text) { hint.textContent = text; }
    }

    function check() {
      var typed = window.civicZip(zip.value);
      var query = "";
      if (choosing && typed === window.civicZip(zip.defaultValue)) { typed = ""; }
      if (typed) {
        query = "zip=" + typed;
        if (state && state.value) { query += "&state=" + encodeURIComponent(state.value); }
        if (lang) { query += "&lang=" + encodeURIComponent(lang); }
      }
      if (query === asked) { return; }
      asked = query;
      if (!query) { answer = null; show(); return; }
      fetch("/api/representatives?" + query, {
        headers: { "Accept": "application/json" }, credentials: "omit"
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (query === asked) { answer = data; show(); }
        })
        .catch(function () { /* the form asks for the street after Preview instead */ });
    }

    function soon() { clearTimeout(timer); timer = setTimeout(check, 250); }
    zip.addEventListener("input", soon);
    if (state) { state.addEventListener("change", soon); }
    if (street) { street.addEventListener("input", show); }
    check();
  }

  document.querySelectorAll("input[name=zip_code]").forEach(enhance);
})();
