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
  frame.title = data.title || (data.lang === "ar" ? "\u0627\u0643\u062a\u0628 \u0631\u0633\u0627\u0644\u0629" : "Write a letter");
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.display = "block";
  // A host page's own iframe rules (padding, content-box, min-width) must not widen the frame.
  frame.style.padding = "0";
  frame.style.boxSizing = "border-box";
  frame.style.maxWidth = "100%";
  frame.style.minWidth = "0";
  if (data.lang) { frame.setAttribute("lang", data.lang); }
  frame.style.height = (data.height || (data.mode === "counter" ? 140 : 640)) + "px";
  frame.setAttribute("scrolling", "no");
  script.parentNode.insertBefore(frame, script.nextSibling);
  var warned = false;
  window.addEventListener("message", function (event) {
    // Only our own frame, from our own origin, for this widget.
    if (event.origin !== base || event.source !== frame.contentWindow) { return; }
    var message = event.data || {};
    if (message.wid !== wid) { return; }
    if (message.type === "civic-letters:resize" && message.height > 0) {
      frame.style.height = Math.ceil(message.height) + "px";
    } else if (message.type === "civic-letters:top") {
      // The next step starts at the frame's top: bring it into view if scrolled past.
      if (frame.getBoundingClientRect().top < 0) { frame.scrollIntoView({ block: "start" }); }
    } else if (message.type === "civic-letters:unknown-partner" && !warned) {
      // Told where whoever pasted the snippet looks; the code named is the one we sent.
      warned = true;
      console.warn('civic-letters: partner code "' + params.get("partner") + '" is not known to ' +
        'campaign "' + data.campaign + '": letters here credit no partner. Check data-partner.');
    } else if (message.type === "civic-letters:sent") {
      script.dispatchEvent(new CustomEvent("civic-letters:sent", {
        bubbles: true, detail: { campaign: data.campaign, partner: data.partner || null }
      }));
    }
  });
})();
