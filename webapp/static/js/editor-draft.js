// Keeps the campaign editor's unsaved text in this browser (enhancement only), so a save that
// never arrives (signed out on another device, cookies cleared, network gone) loses nothing:
// the editor opened again offers the text back. Campaign text only; nothing of a supporter's.
(function () {
  "use strict";
  var form = document.getElementById("campaign-form");
  var offer = document.getElementById("editor-draft");
  if (!form || !offer) { return; }
  var store;
  try { store = window.localStorage; } catch (e) { return; }  // storage blocked: nothing to do
  if (!store) { return; }
  var key = "civic-letters:editor-draft:" + form.getAttribute("action");

  function fields() {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "file" || el.type === "submit") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        out.push([el.name, el.value, el.checked]);
      } else {
        out.push([el.name, el.value, null]);
      }
    });
    return out;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  var shown = fields();
  var kept = null;
  try { kept = JSON.parse(store.getItem(key) || "null"); } catch (e) { kept = null; }
  if (kept && kept.fields && !same(kept.fields, shown)) {
    var when = new Date(kept.at);
    offer.querySelector("[data-draft-time]").textContent = isNaN(when) ? "" : when.toLocaleString();
    offer.hidden = false;
  } else {
    store.removeItem(key);  // saved, or the same as the page: nothing to offer
  }

  function restore() {
    var byName = {};
    kept.fields.forEach(function (f) { (byName[f[0]] = byName[f[0]] || []).push(f); });
    Array.prototype.forEach.call(form.elements, function (el) {
      var saved = byName[el.name];
      if (!saved || el.name === "csrf_token") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        var match = saved.filter(function (f) { return f[1] === el.value; })[0];
        if (match) { el.checked = match[2]; }
      } else {
        el.value = saved.shift()[1];
      }
    });
    form.dispatchEvent(new Event("input", { bubbles: true }));  // the live preview follows
  }

  offer.querySelector("[data-draft-restore]").addEventListener("click", function () {
    restore();
    offer.hidden = true;
    form.querySelector("input, textarea, select").focus();
  });
  offer.querySelector("[data-draft-discard]").addEventListener("click", function () {
    store.removeItem(key);
    offer.hidden = true;
  });

  var timer = null;
  function keep() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var now = fields();
      try {
        if (same(now, shown)) { store.removeItem(key); }
        else { store.setItem(key, JSON.stringify({ at: Date.now(), fields: now })); }
      } catch (e) { /* storage full or blocked: the form itself still works */ }
    }, 300);
  }
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
})();
