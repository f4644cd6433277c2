// The letter form and its preview, on the site and in the widget alike. Enhancement only.
(function () {
  "use strict";
  // A ZIP code typed on an Arabic or Persian keyboard comes in its digits (٤٨١٢٦, ۴۸۱۲۶): the
  // live office list and the district hint (targets.js, zip-hint.js) read them as 0-9, as the
  // server does.
  window.civicAsciiDigits = function (text) {
    return String(text || "").replace(/[\u0660-\u0669\u06f0-\u06f9]/g, function (digit) {
      return String(digit.charCodeAt(0) % 16);
    });
  };
  // A ZIP code as the server reads it (check_zip, /api/representatives): those digits as 0-9,
  // spaces around it dropped, five digits with or without a ZIP+4 ("-1234" or "1234"). Its
  // five digits, or "" when the server would refuse it. Every script on the form reads the
  // ZIP field through this one, so the office list, the district hint and the "Yes, my ZIP
  // code is" box never disagree about what was typed.
  window.civicZip = function (text) {
    var read = /^(\d{5})(?:-?\d{4})?$/.exec(window.civicAsciiDigits(text).trim());
    return read ? read[1] : "";
  };
  // The ZIP field's district hint lives in its own file, fetched only where a ZIP is typed.
  // Not on the preview, which carries the ZIP in a hidden field: the hint would change that
  // page after it is shown (this file loads late) and ask for a lookup on every preview.
  if (document.querySelector("input[name=zip_code]:not([type=hidden])") &&
      document.currentScript) {
    var hintScript = document.createElement("script");
    hintScript.src = document.currentScript.src.replace(/[^/?]*(\?.*)?$/, "zip-hint.js");
    document.head.appendChild(hintScript);
  }
  // The box "Yes, my ZIP code is 48127", under the ZIP the address service disagreed with, is
  // about that ZIP only (the server counts it for no other): while the field holds another,
  // it is hidden and unticked, and it shows again, unticked, if the ZIP goes back.
  var keptBox = document.querySelector(".zip-kept input[name=zip_kept]");
  var keptZip = keptBox && keptBox.form && keptBox.form.querySelector("input[name=zip_code]");
  if (keptZip) {
    var keptLine = keptBox.closest(".zip-kept");
    var followZip = function () {
      var typed = window.civicZip(keptZip.value);
      var same = typed !== "" && typed === keptBox.value.slice(0, 5);
      if (!same) { keptBox.checked = false; }
      keptLine.hidden = !same;
    };
    keptZip.addEventListener("input", followZip);
    window.addEventListener("pageshow", followZip);  // a ZIP the browser put back
    followZip();
  }
  // A name typed in another script on a page that has not asked for its Latin spelling yet:
  // show those fields now rather than after a round trip that ends in two errors.
  var latinName = document.querySelector("[data-other-script]");
  var otherScript = null;
  try { otherScript = new RegExp("[^\\P{L}\\p{Script=Latin}]", "u"); } catch (error) { /* old */ }
  if (latinName && otherScript) {
    document.querySelectorAll("input[name=first_name], input[name=last_name]").forEach(
      function (name) {
        function check() { if (otherScript.test(name.value)) { latinName.hidden = false; } }
        name.addEventListener("input", check);
        check();  // a name the browser put back (autofill) before this ran
        window.addEventListener("pageshow", check);  // or after it, coming Back to the page
      });
  }
  // A step that answers a POST (a preview, a form sent back with its errors) would stay in the
  // history as that POST: Back to it after the next step showed "Confirm Form Resubmission".
  // As it is left, its entry becomes the form's own address, which Back loads as a page.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-get-url]"), function (form) {
    form.addEventListener("submit", function () {
      if (window.history && history.replaceState) {
        history.replaceState(history.state, "", form.getAttribute("data-get-url"));
      }
    });
  });
  // The language switch sends the form and gets it back in the other language: come back to
  // the field being filled, not to the top of a long page on a phone.
  var switches = document.querySelectorAll("button[name=action][value=language][form]");
  var switched = switches.length && document.getElementById(switches[0].getAttribute("form"));
  if (switched) {
    switched.addEventListener("focusin", function (event) {
      if (!event.target.id) { return; }
      switches.forEach(function (button) {
        var action = button.getAttribute("formaction").split("#")[0];
        button.setAttribute("formaction", action + "#" + event.target.id);
      });
    });
  }
  // The Send button and the note above it count the offices shown; once the supporter
  // changes the ticks, they say so in words instead of a number that would be stale until the
  // next preview.
  var send = document.querySelector("[data-preview-actions] [data-changed-label]");
  var sendHint = document.getElementById("send-hint");
  document.querySelectorAll(".offices input[type=checkbox]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (send) { send.textContent = send.getAttribute("data-changed-label"); }
      if (sendHint) { sendHint.textContent = sendHint.getAttribute("data-changed-text"); }
      // Stale counts too: a page that keeps this letter to send again then says plain "Send
      // my letter" rather than a number of offices the ticks no longer match.
      document.querySelectorAll("[data-preview-actions] input[name^=send_]").forEach(
        function (count) { count.value = ""; }
      );
    });
  });
})();
