// Keeps the campaign editor's unsaved changes in this tab (enhancement only), so a save that
// never arrives (signed out on another device, cookies cleared, network gone) loses nothing:
// the editor opened again in this tab offers the changes back. sessionStorage, not
// localStorage: campaign text can hold a staff contact or an unlaunched campaign, and should
// not outlive the tab on a shared computer. Only fields the organiser changed are kept and put
// back, so edits others saved meanwhile to other fields stay.
(function () {
  "use strict";
  var PREFIX = "civic-letters:editor-draft:";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }  // storage blocked
  if (!store) { return; }

  function forget(key) { try { store.removeItem(key); } catch (e) { /* nothing kept */ } }

  // After a save: the dashboard page it leads to names the draft the save made obsolete.
  var saved = document.querySelector("meta[name=civic-letters-draft-saved]");
  if (saved) { forget(PREFIX + saved.getAttribute("content")); }
  // Signing out leaves nothing of this organiser's behind in the tab.
  Array.prototype.forEach.call(document.querySelectorAll("form[action$='/dashboard/logout']"),
    function (logout) {
      logout.addEventListener("submit", function () {
        for (var i = store.length - 1; i >= 0; i--) {
          var k = store.key(i);
          if (k && k.indexOf(PREFIX) === 0) { forget(k); }
        }
      });
    });

  var form = document.getElementById("campaign-form");
  var offer = document.getElementById("editor-draft");
  if (!form || !offer || !form.getAttribute("data-draft-key")) { return; }
  var key = PREFIX + form.getAttribute("data-draft-key");
  var DAY = 24 * 3600 * 1000;

  function norm(value) {
    // The server trims and normalises what it saves: a trailing space is no unsaved change.
    return String(value).normalize ? String(value).normalize("NFC").trim() : String(value).trim();
  }

  // Each control as [name, nth control of that name, value or checked].
  function fields() {
    var out = [], seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "file" || el.type === "submit" ||
          el.type === "button") { return; }
      var nth = seen[el.name] = (seen[el.name] || 0) + 1;
      var box = el.type === "checkbox" || el.type === "radio";
      out.push([el.name, nth, box ? el.checked : norm(el.value)]);
    });
    return out;
  }

  function byPlace(list) {
    var map = {};
    list.forEach(function (f) { map[f[0] + "#" + f[1]] = f[2]; });
    return map;
  }

  // What the organiser changed from the page as it was first shown to them.
  function changes(kept) {
    var base = byPlace(kept.base);
    return kept.fields.filter(function (f) { return base[f[0] + "#" + f[1]] !== f[2]; });
  }

  var shown = fields();
  var kept = null;
  try { kept = JSON.parse(store.getItem(key) || "null"); } catch (e) { kept = null; }
  var pending = kept && kept.fields && kept.base && Date.now() - kept.at < DAY ? changes(kept) : [];
  var now = byPlace(shown);
  // Offered only when the page does not already hold them (saved after all).
  if (pending.some(function (f) { return now[f[0] + "#" + f[1]] !== f[2]; })) {
    var when = new Date(kept.at);
    var time = document.createElement("time");
    time.setAttribute("datetime", when.toISOString());
    // In the style of every other time on the dashboard (site.js): the month spelt, Western
    // digits, the zone named; the browser's own default read otherwise differently.
    var shown = null;
    try { shown = window.civicLettersLocalTime && window.civicLettersLocalTime(when, true); }
    catch (e) { shown = null; }
    time.textContent = shown || when.toISOString().replace("T", " ").slice(0, 19) + " UTC";
    offer.querySelector("[data-draft-time]").replaceChildren(time);
    offer.hidden = false;
  } else {
    forget(key);
    pending = [];
  }

  function restore() {
    var wanted = byPlace(pending), seen = {}, first = null;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) { return; }
      var nth = seen[el.name] = (seen[el.name] || 0) + 1;
      var place = el.name + "#" + nth;
      if (!(place in wanted)) { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = wanted[place]; }
      else { el.value = wanted[place]; }
      first = first || el;
    });
    form.dispatchEvent(new Event("input", { bubbles: true }));  // the live preview follows
    return first;
  }

  offer.querySelector("[data-draft-restore]").addEventListener("click", function () {
    var first = restore();
    offer.hidden = true;
    if (first) { first.focus(); }
  });
  offer.querySelector("[data-draft-discard]").addEventListener("click", function () {
    forget(key);
    offer.hidden = true;
    var heading = document.querySelector("h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  });

  // Changes are kept against the page as this visit showed it (after a restore, the restored
  // fields count as changes again).
  var base = shown;
  var timer = null;
  function keep() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var current = fields();
      try {
        if (JSON.stringify(current) === JSON.stringify(base)) { forget(key); }
        else { store.setItem(key, JSON.stringify({ at: Date.now(), base: base, fields: current })); }
      } catch (e) { /* storage full or blocked: the form itself still works */ }
    }, 300);
  }
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
})();
