// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Each copy is confirmed anew: every status is emptied, then the pressed button's is set a
  // moment later. A status that already says "Copied" is not read again, and an earlier
  // button's "Copied" would be about another letter.
  var copyStatuses = document.querySelectorAll(".copy-status");
  var copiedTimer = null;
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentElement.querySelector(".copy-status");
    if (!input || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value || input.textContent).then(function () {
        copyStatuses.forEach(function (each) { each.textContent = ""; });
        clearTimeout(copiedTimer);
        if (!status) { return; }
        copiedTimer = setTimeout(function () {
          status.textContent = status.getAttribute("data-copied");
        }, 150);
      });
    });
  });
  // Times come from the server in UTC, the zone named; here they read in the reader's own
  // zone, in the page's language with its Western digits, as the server writes them. Other
  // scripts (the editor's kept-changes offer) tell their times through the same function, so
  // every time on a page reads in one style.
  function localTime(when, seconds) {
    var parts = { year: "numeric", month: "short", day: "numeric", hour: "numeric",
      minute: "2-digit", timeZoneName: "short", numberingSystem: "latn", calendar: "gregory" };
    if (seconds) { parts.second = "2-digit"; }
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, parts).format(when);
  }
  window.civicLettersLocalTime = window.Intl ? localTime : null;
  document.querySelectorAll("time[data-local]").forEach(function (time) {
    var when = new Date(time.getAttribute("datetime"));
    if (isNaN(when.getTime()) || !window.Intl) { return; }
    try {
      var shown = localTime(when, time.getAttribute("data-local") === "seconds");
      time.title = time.textContent;
      time.textContent = shown;
    } catch (error) { /* an engine without these options keeps the UTC text */ }
  });
  // A table wider than the screen scrolls in its own box: then the keyboard can reach it too,
  // and it is named by its caption.
  var wraps = Array.prototype.slice.call(document.querySelectorAll(".table-wrap"));
  function markWraps() {
    wraps.forEach(function (wrap) {
      var caption = wrap.querySelector("caption");
      var section = wrap.closest("[aria-labelledby]");
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        if (caption) {
          wrap.setAttribute("aria-label", caption.textContent.trim());
        } else if (section) {
          wrap.setAttribute("aria-labelledby", section.getAttribute("aria-labelledby"));
        }
      } else {
        ["tabindex", "role", "aria-label", "aria-labelledby"].forEach(function (name) {
          wrap.removeAttribute(name);
        });
      }
    });
  }
  markWraps();
  window.addEventListener("resize", markWraps);
  // A table inside a closed <details> has no width until it is opened.
  document.addEventListener("toggle", markWraps, true);
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // What a button did ("Thank you: we recorded…") is focused as the page opens, so that it is
  // read out. The autofocus attribute or the address's #fragment does it without this script;
  // this is for a browser that did neither.
  var said = document.querySelector("[data-focus-on-load]");
  if (said && (!document.activeElement || document.activeElement === document.body)) {
    said.focus();
  }
  // A step of the letter form reached by its buttons (the preview, "Change something"): the
  // form's address ends #write, the step's heading (focusable) has that id, and the browser
  // opens the page there. Chromium also focuses it; other browsers only start the Tab order
  // there: focus it, so a screen reader reads on from the step, not from the site's name.
  // The templates give no element the id where the error summary or a flash takes focus.
  var step = location.hash === "#write" && document.getElementById("write");
  if (step && step.tabIndex === -1 && document.activeElement !== step &&
      (!document.activeElement || document.activeElement === document.body)) {
    step.focus({ preventScroll: true });  // the browser has brought it into view
  }
  // A receipt row's note (#delivery-N-note): the room the stylesheet keeps above it holds two
  // lines of the office's name, and a longer name in larger text scrolled above the screen.
  // Bring the row's top into view, the note still in it, once the browser has made its own
  // scroll to the fragment (at the load event, after this deferred script has run).
  var row = said && said.id && document.getElementById(said.id.replace(/-note$/, ""));
  if (row && row !== said) {
    window.addEventListener("load", function () {
      if (row.getBoundingClientRect().top < 0) { row.scrollIntoView({ block: "start" }); }
    });
  }
  // A letter and its reading copy: two tabs on a phone (the tab pattern), side by side on
  // wide screens, where the tabs are hidden and the panes are plain sections again.
  var narrow = window.matchMedia("(max-width: 47.99rem)");
  document.querySelectorAll("[data-reading-pair]").forEach(function (pair) {
    var list = pair.querySelector("[data-reading-tabs]");
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var panes = links.map(function (link) {
      return document.getElementById(link.getAttribute("href").slice(1));
    });
    var active = 0;
    function attr(el, name, value) {
      if (value === null) { el.removeAttribute(name); } else { el.setAttribute(name, value); }
    }
    function apply() {
      var tabbed = narrow.matches;
      pair.classList.toggle("is-tabbed", tabbed);
      attr(list, "role", tabbed ? "tablist" : null);
      links.forEach(function (link, i) {
        var on = i === active;
        link.classList.toggle("is-active", on);
        panes[i].classList.toggle("is-active", on);
        attr(link.parentElement, "role", tabbed ? "presentation" : null);
        attr(link, "role", tabbed ? "tab" : null);
        attr(link, "aria-controls", tabbed ? panes[i].id : null);
        attr(link, "aria-selected", tabbed ? String(on) : null);
        attr(link, "tabindex", tabbed && !on ? "-1" : null);
        attr(panes[i], "role", tabbed ? "tabpanel" : null);
        attr(panes[i], "tabindex", tabbed ? "0" : null);
      });
    }
    function select(index) {
      active = (index + links.length) % links.length;
      apply();
      links[active].focus();
    }
    links.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        if (!narrow.matches) { return; }
        event.preventDefault();
        select(i);
      });
    });
    list.addEventListener("keydown", function (event) {
      if (!narrow.matches) { return; }
      // Arrows follow the reading direction: in Arabic the next tab is to the left.
      var forward = getComputedStyle(list).direction === "rtl" ? "ArrowLeft" : "ArrowRight";
      var back = forward === "ArrowLeft" ? "ArrowRight" : "ArrowLeft";
      var moves = { Home: 0, End: links.length - 1 };
      if (event.key === forward) { select(active + 1); }
      else if (event.key === back) { select(active - 1); }
      else if (event.key in moves) { select(moves[event.key]); }
      else { return; }
      event.preventDefault();
    });
    if (narrow.addEventListener) { narrow.addEventListener("change", apply); }
    apply();
  });
})();
