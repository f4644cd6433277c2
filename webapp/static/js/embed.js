/* civic-letters embed: <script src="https://HOST/embed.js" data-campaign="SLUG" data-partner="CODE" async></script>
   Inserts the letter widget in a frame that resizes to fit. No cookies, no dependencies. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || script.getAttribute("data-cl-done")) { return; }
  script.setAttribute("data-cl-done", "1");
  var data = script.dataset;
  if (!data.campaign) { return; }
  var base = new URL(script.src).origin;
  var page = new URLSearchParams(location.search);
  var params = new URLSearchParams();
  var wid = "w" + Math.random().toString(36).slice(2, 10);
  // data-lang="ar" sets the widget's language (and direction) in its own address: no cookie.
  [["partner", "partner"], ["mode", "mode"], ["source", "source"], ["zip", "zip"],
   ["email", "email"], ["firstName", "first_name"], ["lang", "lang"]].forEach(function (pair) {
    var value = data[pair[0]] || page.get(pair[1]);
    if (value) { params.set(pair[1], value); }
  });
  params.set("wid", wid);
  params.set("parent", location.origin);
  var frame = document.createElement("iframe");
  frame.src = base + "/widget/" + encodeURIComponent(data.campaign) + "?" + params;
  // Until the frame sends its own name in its own language (civic-letters:title).
  frame.title = data.title || (data.lang === "ar" ? "\u0627\u0643\u062a\u0628 \u0631\u0633\u0627\u0644\u0629" : "Write a letter");
  // Far wider than any page, held to its box by max-width: a box that takes its width from its
  // content (a flex or grid item, a float) then fills the room it has, where the frame's own
  // 300 px default would have made it 300 px wide. A block box is unchanged: 100%.
  // A host page's own iframe rules (padding, content-box, min-width; a theme's 16:9 box for
  // videos, !important as page builders write them) must not resize the frame: its size is
  // the form's, set here and by its messages, each !important, which only inline rules can be.
  fix("inline-size", "10000px");
  fix("border", "0");
  fix("display", "block");
  fix("padding", "0");
  fix("box-sizing", "border-box");
  fix("max-width", "100%");
  fix("min-width", "0");
  fix("aspect-ratio", "auto");
  fix("min-height", "0");
  fix("max-height", "none");
  if (data.lang) { frame.setAttribute("lang", data.lang); }
  fix("height", (data.height || (data.mode === "counter" ? 140 : 640)) + "px");
  frame.setAttribute("scrolling", "no");
  script.parentNode.insertBefore(frame, script.nextSibling);
  var warned = false;
  window.addEventListener("message", function (event) {
    // Only our own frame, from our own origin, for this widget.
    if (event.origin !== base || event.source !== frame.contentWindow) { return; }
    var message = event.data || {};
    if (message.wid !== wid) { return; }
    answered = true;
    fallback(false);
    if (message.type === "civic-letters:resize" && message.height > 0) {
      fix("height", Math.ceil(message.height) + "px");
    } else if (message.type === "civic-letters:title" && typeof message.title === "string") {
      name(message.title.slice(0, 300), String(message.lang || ""));
    } else if (message.type === "civic-letters:top") {
      toTop();
    } else if (message.type === "civic-letters:leaving") {
      asked = true;
    } else if (message.type === "civic-letters:unknown-partner" && !warned) {
      // Told where whoever pasted the snippet looks; the code named is the one we sent.
      warned = true;
      console.warn('civic-letters: partner code "' + params.get("partner") + '" is not known to ' +
        'campaign "' + data.campaign + '": letters here credit no partner. Check data-partner.');
    } else if (message.type === "civic-letters:sent") {
      // Once per letter: its id, which opens nothing, lets the host page count it once too.
      var letter = typeof message.letter === "string" && message.letter || null;
      if (letter && announced[letter]) { return; }
      if (letter) { announced[letter] = true; }
      script.dispatchEvent(new CustomEvent("civic-letters:sent", {
        bubbles: true, detail: { campaign: data.campaign, partner: data.partner || null, letter: letter }
      }));
    }
  });
  var announced = {};
  var answered = true;
  var waiting = null;
  // The supporter left the frame's page from inside it (a button, a link, the frame's Back).
  var asked = false;
  frame.addEventListener("load", function () {
    // Each page the frame loads answers this; the browser's error page (the app unreachable, a
    // refused frame) cannot, and a frame sized for the form would show it far out of view.
    if (!frame.contentWindow) { return; }  // taken out of the page
    answered = false;
    frame.contentWindow.postMessage({ type: "civic-letters:ping", wid: wid }, base);
    clearTimeout(waiting);
    // Only a page the supporter asked for from inside the frame is watched. Any other (the
    // first, loading as the host page does) may only be late: a phone busy loading the host
    // page can take over 3 s to answer, and shrinking the frame and scrolling to it would move
    // the page they are reading, then the answer move it back. Where such a page never answers,
    // the link after the snippet is still shown: only a message from the frame hides it.
    if (!asked) { return; }
    asked = false;
    waiting = setTimeout(function () { if (!answered) { lost(); } }, 3000);
  });

  function fix(property, value) {
    frame.style.setProperty(property, value, "important");
  }

  function name(title, lang) {
    if (data.title) { return; }  // the host page's own name for it
    frame.setAttribute("data-cl-title", title);
    if (/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(lang)) { frame.setAttribute("lang", lang); }
    // Two frames of one name (a snippet pasted twice) are numbered in the page's order.
    var same = [].filter.call(document.querySelectorAll("iframe[data-cl-title]"), function (f) {
      return f.getAttribute("data-cl-title") === title;
    });
    same.forEach(function (f, i) { f.title = same.length > 1 ? title + " (" + (i + 1) + ")" : title; });
  }

  // The next step starts at the frame's top: bring it into view, below what covers the page's
  // top (a header that stays on screen), if it is scrolled past or under it.
  function toTop() {
    var offset = covered();
    if (frame.getBoundingClientRect().top >= offset) { return; }
    // A page's own scroll-padding already keeps clear of its header: only what it leaves.
    var padding = parseFloat(getComputedStyle(document.documentElement).scrollPaddingBlockStart) || 0;
    frame.style.scrollMarginBlockStart = Math.max(0, offset - padding) + "px";
    frame.scrollIntoView({ block: "start" });
  }

  // How far down fixed or sticky boxes cover the viewport above the frame, measured now (a
  // header may shrink once scrolled), a bar under a bar included; data-offset="70" says it
  // where they cannot be found (pointer-events: none, a header that hides on scroll).
  function covered() {
    if (data.offset) { return Math.max(0, parseFloat(data.offset) || 0); }
    var box = frame.getBoundingClientRect();
    var bottom = 0;
    for (var round = 0; round < 3; round++) {
      var reach = bottom;
      [0.1, 0.5, 0.9].forEach(function (at) {
        var x = Math.min(innerWidth - 1, Math.max(0, box.left + box.width * at));
        document.elementsFromPoint(x, bottom + 1).forEach(function (el) {
          var rect = el.getBoundingClientRect();
          // Not the frame's own boxes, nor a box as tall as half the screen (a side menu).
          if (el === frame || el.contains(frame) || rect.height > innerHeight / 2) { return; }
          var position = getComputedStyle(el).position;
          if ((position === "fixed" || position === "sticky") && rect.top <= bottom + 1) {
            reach = Math.max(reach, rect.bottom);
          }
        });
      });
      if (reach <= bottom) { break; }
      bottom = reach;
    }
    return bottom;
  }

  // The snippet's link to the campaign's page, just after it: hidden while the widget is in,
  // shown again when the frame loses the app (embed.js itself unreachable leaves it shown).
  function fallback(show) {
    var link = frame.nextElementSibling;
    if (link && link.tagName === "A" && link.href.indexOf(base + "/campaigns/") === 0) {
      // !important: a host's `a { display: block !important }` would show it under the widget.
      if (show) { link.style.removeProperty("display"); }
      else { link.style.setProperty("display", "none", "important"); }
    }
  }

  function lost() {
    fix("height", "240px");  // the browser's few lines on why, not a screen of blank
    fallback(true);
    toTop();
  }
})();
