// Shows who the letter will go to as the supporter types their ZIP code (enhancement only:
// without this script the preview step shows the same list).
(function () {
  "use strict";
  var box = document.getElementById("targets-live");
  var form = box && box.closest("form");
  if (!box || !form || !window.fetch) { return; }
  var zip = form.querySelector("[name=zip_code]");
  var state = form.querySelector("[name=state]");
  var street = form.querySelector("[name=street]");
  var lastQuery = "";
  var timer = null;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function render(data) {
    box.textContent = "";
    box.hidden = false;
    box.appendChild(el("p", box.getAttribute("data-heading") || "", "targets-heading"));
    var list = el("ul", "", "recipients");
    (data.recipients || []).forEach(function (r, i) {
      var item = el("li", "", "recipient");
      var label = r.name + (r.title ? ", " + r.title : (r.office ? ", " + r.office : ""));
      if (r.party) { label += " (" + r.party + ")"; }
      if (r.optional) {
        var wrap = el("div", "", "field field-check");
        var input = document.createElement("input");
        input.type = "checkbox"; input.name = "recipients"; input.value = r.key;
        input.id = "live-recipient-" + i; input.checked = true;
        var lab = el("label", label); lab.htmlFor = input.id;
        wrap.appendChild(input); wrap.appendChild(lab); item.appendChild(wrap);
      } else {
        item.appendChild(el("span", label));
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    if ((data.recipients || []).some(function (r) { return r.optional; })) {
      var marker = document.createElement("input");
      marker.type = "hidden"; marker.name = "recipients_chosen"; marker.value = "1";
      box.appendChild(marker);
    }
    (data.notes || []).forEach(function (note) { box.appendChild(el("p", note, "note")); });
    if (street) {
      street.required = !!data.needs_street;
    }
  }

  function lookup() {
    var z = (zip.value || "").trim();
    if (!/^\d{5}(-?\d{4})?$/.test(z) || !state.value) { return; }
    var query = "zip=" + encodeURIComponent(z) + "&state=" + encodeURIComponent(state.value) +
      "&campaign=" + encodeURIComponent(box.getAttribute("data-campaign"));
    if (query === lastQuery) { return; }
    lastQuery = query;
    fetch("/api/representatives?" + query, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && query === lastQuery) { render(data); } })
      .catch(function () { /* the preview step still lists every recipient */ });
  }

  function soon() { clearTimeout(timer); timer = setTimeout(lookup, 250); }
  zip.addEventListener("input", soon);
  state.addEventListener("change", soon);
  lookup();
})();
