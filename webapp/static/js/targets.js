// Shows who the letter will go to as the supporter types their ZIP code (enhancement only:
// without this script the preview step shows the same list). The list is not live: a status
// says how many offices, and the notes (a ZIP split between districts), once per change.
(function () {
  "use strict";
  // Where the supporter lives: show the US address for US residents and citizens voting
  // there, the city abroad for everyone outside the US (without JS both groups show).
  var residence = document.querySelector("[data-residence]");
  var country = residence && residence.querySelector("[name=country]");
  var voter = residence && residence.querySelector("[name=us_voter]");
  function inUs() { return !country || country.value === "US"; }
  function votesInUs() { return inUs() || (voter && voter.checked); }
  function showResidence() {
    if (!residence) { return; }
    residence.querySelector("[data-abroad]").hidden = inUs();
    residence.querySelector("[data-us-address]").hidden = !votesInUs();
  }
  if (residence) {
    country.addEventListener("change", showResidence);
    if (voter) { voter.addEventListener("change", showResidence); }
    showResidence();
    // Back to this page, the browser puts the chosen country back after this script ran (or
    // restores the page whole): show the fields for that country, not for the first one.
    window.addEventListener("pageshow", showResidence);
  }

  var box = document.getElementById("targets-live");
  var form = box && box.closest("form");
  if (!box || !form || !window.fetch) { return; }
  var zip = form.querySelector("[name=zip_code]");
  var state = form.querySelector("[name=state]");
  var street = form.querySelector("[name=street]");
  var status = form.querySelector("[data-targets-status]");
  // The form came back asking which of the ZIP's districts is theirs (the address service could
  // not place the street): a note promising the street will settle it would contradict that.
  // Or it came back with the ZIP's question as the ZIP's or the street's error: the summary and
  // that error say it, and the note was the same news a third time.
  // (The template says so: data-zip-asked.)
  var choosing = form.querySelector("[data-zip-asked]") !== null;
  var lastQuery = "";
  var lastData = null;
  var streetShown = null;
  var timer = null;
  var saidOffices = null;  // the offices the status last spoke of (or found as the page loaded)
  var sayTimer = null;
  // A choice made on an earlier preview ("Change something") is kept, never re-ticked.
  var kept = form.querySelectorAll("[data-kept-choice]");
  var asked = form.querySelector("[data-kept-choice][name=recipients_chosen]") !== null;
  var keptKeys = [];
  var shownKeys = [];
  kept.forEach(function (input) {
    if (input.name === "recipients") { keptKeys.push(input.value); }
    if (input.name === "recipients_shown") { shownKeys.push(input.value); }
  });
  // Unticked only if the supporter saw its box and left it so: an office found since (their
  // district chosen on the preview) was never offered, so it starts ticked.
  // (A page from before the shown offices were posted carried none: every office counts as
  // seen, as on the server.)
  function ticked(key) {
    if (!asked || keptKeys.indexOf(key) !== -1) { return true; }
    return shownKeys.length > 0 && shownKeys.indexOf(key) === -1;
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  // A name in Latin letters on a page in another language is English (Elissa Slotkin), as
  // the server marks it (text_lang.py): an Arabic voice would misread it.
  var latin = /^[^\u0370-\u1dff\u2c00-\ufeff]*[A-Za-z\u00c0-\u024f][^\u0370-\u1dff\u2c00-\ufeff]*$/;
  function isolated(text) {
    var node = el("bdi", text);
    if ((document.documentElement.lang || "en") !== "en" && latin.test(text)) { node.lang = "en"; }
    return node;
  }

  // "Name, office (party)" in the page's language; the name and the office each keep their
  // own direction inside an Arabic page.
  function label(r, between) {
    var shown = r.shown || { name: r.name, where: r.title || r.office, party: r.party };
    var node = el("span");
    node.appendChild(isolated(shown.name));
    if (shown.where) {
      node.appendChild(document.createTextNode(between || ", "));
      node.appendChild(isolated(shown.where));
    }
    // "(Democrat · non-voting member of Congress)": the preview's words for both, joined as
    // its line under the name joins them.
    if (shown.party || shown.non_voting) {
      node.appendChild(document.createTextNode(" ("));
      if (shown.party) { node.appendChild(el("bdi", shown.party)); }
      if (shown.party && shown.non_voting) { node.appendChild(document.createTextNode(" · ")); }
      if (shown.non_voting) { node.appendChild(document.createTextNode(shown.non_voting)); }
      node.appendChild(document.createTextNode(")"));
    }
    return node;
  }

  function render(data, say) {
    // The live list replaces the kept choice for the offices it shows; a choice about an office
    // it cannot show (the Representative of a district picked on the preview) stays as it was.
    var listed = (data.recipients || []).map(function (r) { return r.key; });
    var stays = false;
    kept.forEach(function (input) {
      if (input.name !== "recipients_chosen" && listed.indexOf(input.value) === -1 &&
          input.isConnected) {
        stays = true;
      } else {
        input.remove();
      }
    });
    box.textContent = "";
    box.hidden = false;
    box.appendChild(el("p", box.getAttribute("data-heading") || "", "targets-heading"));
    var list = el("ul", "", "recipients");
    (data.recipients || []).forEach(function (r, i) {
      var item = el("li", "", r.optional ? "recipient" : "recipient recipient-fixed");
      if (r.optional) {
        var wrap = el("div", "", "field field-check");
        var input = document.createElement("input");
        input.type = "checkbox"; input.name = "recipients"; input.value = r.key;
        input.id = "live-recipient-" + i;
        input.checked = ticked(r.key);
        var lab = el("label"); lab.htmlFor = input.id; lab.appendChild(label(r, data.between));
        var seen = document.createElement("input");
        seen.type = "hidden"; seen.name = "recipients_shown"; seen.value = r.key;
        wrap.appendChild(input); wrap.appendChild(lab); wrap.appendChild(seen); item.appendChild(wrap);
      } else {
        item.appendChild(label(r, data.between));
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    if (stays || (data.recipients || []).some(function (r) { return r.optional; })) {
      var marker = document.createElement("input");
      marker.type = "hidden"; marker.name = "recipients_chosen"; marker.value = "1";
      box.appendChild(marker);
      var said = document.createElement("input");  // this list says which boxes it showed
      said.type = "hidden"; said.name = "recipients_shown"; said.value = "";
      box.appendChild(said);
    }
    showNotes(data, say, listed.join(" "));
    if (street) {
      street.required = !!data.needs_street;
    }
  }

  // The notes under the list, and the status: the number of offices and those notes. `say`:
  // only for what the supporter just did; a list put back as the page loads (the form sent
  // back with its errors, "Change something") would talk over the error summary or heading.
  // `offices`: the keys of the offices listed, when the list was drawn again.
  function showNotes(data, say, offices) {
    box.querySelectorAll("p.note").forEach(function (note) { note.remove(); });
    var notes = shownNotes(data);
    notes.forEach(function (note) { box.appendChild(el("p", note, "note")); });
    announce(say ? [summary(data)].concat(notes).join(" ").trim() : "", offices);
  }

  // "Your letter will go to 3 offices" counts the offices still ticked, not every one listed.
  function summary(data) {
    var going = box.querySelectorAll("li.recipient").length -
      box.querySelectorAll("input[name=recipients]:not(:checked)").length;
    return (data.summaries && data.summaries[going]) || data.summary || "";
  }

  function streetGiven() { return !!(street && street.value.trim()); }

  // The ZIP the district choice is about (another ZIP typed here is a new question).
  function choosingThisZip() {
    var typed = window.civicZip(zip.value);
    return choosing && typed !== "" && typed === window.civicZip(zip.defaultValue);
  }

  // A note asking for the street address says instead what the street will do, once typed
  // (the lookup here never sees the street: the preview's does).
  function shownNotes(data) {
    var answers = data.with_street || {};
    streetShown = streetGiven();
    var notes = [];
    var chosenHere = choosingThisZip();
    (data.notes || []).forEach(function (note) {
      if (chosenHere && answers[note]) { return; }  // the district choice asks instead
      var shown = streetShown && answers[note] ? answers[note] : note;
      if (notes.indexOf(shown) === -1) { notes.push(shown); }
    });
    return notes;
  }

  // Said when its words change, and when the offices do though the words stay ("4 offices"
  // for one ZIP and for another with a new Representative): then emptied and set again a moment
  // later, as a screen reader says nothing for a live region given back the text it held.
  function announce(text, offices) {
    if (!status) { return; }
    var again = text !== "" && offices !== undefined && saidOffices !== null &&
      offices !== saidOffices && status.textContent === text;
    if (offices !== undefined) { saidOffices = offices; }
    clearTimeout(sayTimer);
    if (again) {
      status.textContent = "";
      sayTimer = setTimeout(function () { status.textContent = text; }, 150);
    } else if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  function lookup(event) {
    var say = !!event && event.type !== "pageshow";
    var z = window.civicZip(zip.value);
    if (!votesInUs()) { box.hidden = true; announce(""); return; }
    if (!z || !state.value) { return; }
    var query = "zip=" + encodeURIComponent(z) + "&state=" + encodeURIComponent(state.value) +
      "&campaign=" + encodeURIComponent(box.getAttribute("data-campaign")) +
      "&lang=" + encodeURIComponent(document.documentElement.lang || "en");
    if (query === lastQuery) { return; }
    lastQuery = query;
    fetch("/api/representatives?" + query, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && query === lastQuery) { lastData = data; render(data, say); }
      })
      .catch(function () { /* the preview step still lists every recipient */ });
  }

  function soon(event) {
    clearTimeout(timer);
    timer = setTimeout(function () { lookup(event); }, 250);
  }
  zip.addEventListener("input", soon);
  state.addEventListener("change", soon);
  // The street typed or emptied after the list was shown: its notes change (the boxes stay as
  // ticked), said once as the supporter leaves the field, not at each letter typed.
  if (street) {
    street.addEventListener("change", function () {
      if (lastData && !box.hidden && streetGiven() !== streetShown) { showNotes(lastData, true); }
    });
  }
  lookup();
  window.addEventListener("pageshow", lookup);  // a ZIP and state put back by the browser
})();
