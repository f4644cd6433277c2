// The own-words meter and the "many sent nearly this" hint beside the personal paragraph, kept
// up to date as the supporter types. Enhancement only: without it the preview shows both. The
// share is defined in webapp/letters/own_words.py; the check answers only common or unusual.
(function () {
  "use strict";

  function chars(text) { return Array.from((text || "").trim()).length; }

  // As the page writes the count (grouped, Latin digits) and isolated, as <bdi> does server-side,
  // so it keeps its place inside a right-to-left sentence.
  var grouping = window.Intl ? new Intl.NumberFormat(document.documentElement.lang || "en",
    { numberingSystem: "latn", useGrouping: true }) : null;
  function isolated(n) { return "\u2068" + (grouping ? grouping.format(n) : String(n)) + "\u2069"; }

  function percentOf(own, letter) {
    var total = own + letter;
    if (!total) { return 0; }
    var percent = Math.round((own / total) * 100);
    return own > 0 && percent === 0 ? 1 : percent;
  }

  function enhance(box) {
    var form = box.closest("form");
    var paragraph = form && form.querySelector("textarea[name=personal_message]");
    if (!paragraph) { return; }
    var body = form.querySelector("textarea[name=body]");
    var meter = box.querySelector("meter");
    var sentence = box.querySelector(".own-words-text");
    var hint = box.querySelector(".own-words-hint");
    var fixedLetter = parseInt(box.getAttribute("data-letter-chars"), 10) || 0;
    var url = box.getAttribute("data-check-url");
    var asked = null;
    // One sentence per plural category of the page's language ("1 character", "2 characters").
    var sentences = JSON.parse(box.getAttribute("data-sentences") || "{}");
    var rules = window.Intl && Intl.PluralRules ?
      new Intl.PluralRules(document.documentElement.lang || "en") : null;
    function sentenceFor(n) { return (rules && sentences[rules.select(n)]) || sentences.other; }
    var timer = null;

    function update() {
      var own = chars(paragraph.value);
      var percent = percentOf(own, body ? chars(body.value) : fixedLetter);
      meter.value = percent;
      meter.textContent = percent + "%";
      sentence.textContent = own ? sentenceFor(own)
        .replace("{percent}", String(percent)).replace("{count}", isolated(own))
        : box.getAttribute("data-empty");
    }

    function check() {
      var text = paragraph.value.trim();
      if (text === asked) { return; }
      asked = text;
      if (!text || !window.fetch) { hint.textContent = ""; return; }
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ text: text }),
        credentials: "omit"
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (text !== asked || !data) { return; }
          hint.textContent = data.result === "common" ? box.getAttribute("data-common") : "";
        })
        .catch(function () { /* the preview says it instead */ });
    }

    function typed() {
      update();
      clearTimeout(timer);
      timer = setTimeout(check, 700);
    }
    paragraph.addEventListener("input", typed);
    if (body) { body.addEventListener("input", typed); }
    update();
    if (paragraph.value.trim()) { check(); }
  }

  document.querySelectorAll("[data-own-words]").forEach(enhance);
})();
