/* Bedrägerikollen on a municipality's website: the current warnings or an "ask" box, where this tag stands.
   <script src="https://…/static/embed.js" data-box="varningar|fraga" data-kommun="Sjöby" data-lang="sv" data-nodnummer="…" async></script>
   No framework and no cookies. The box lives in a shadow root, so the page's CSS cannot break it; it
   takes the page's font and these CSS custom properties (set them on the page, e.g. on :root):
   --fraudbot-accent, --fraudbot-accent-text, --fraudbot-background, --fraudbot-text, --fraudbot-radius,
   --fraudbot-font-size. Only sites in the service's web.embed_origins may use it; elsewhere the box
   says so instead of staying empty. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var base = new URL(script.src, location.href).origin;
  var sameOrigin = base === location.origin; // inside the service's own iframe page
  var box = script.getAttribute("data-box") === "fraga" ? "fraga" : "varningar";
  var lang = script.getAttribute("data-lang") === "en" ? "en" : "sv";
  var kommun = script.getAttribute("data-kommun") || "";
  // The region's emergency number comes with the tag (the dashboard's snippet has it): this file names none.
  var emergency = (script.getAttribute("data-nodnummer") || "").replace(/[^0-9 ]/g, "");
  var T = {
    sv: {
      warnings: "Aktuella varningar", warningsFor: "Aktuella varningar för ", none: "Just nu finns inga aktuella varningar.",
      all: "Alla varningar på Bedrägerikollen", published: "Publicerad ", loading: "Hämtar …",
      ask: "Fråga Bedrägerikollen", label: "Skriv din fråga eller klistra in meddelandet du fått",
      hint: "Skriv inte ditt personnummer, kortnummer eller koder.", send: "Fråga", thinking: "Jag letar efter ett svar …",
      more: "Läs mer på Bedrägerikollen", empty: "Skriv din fråga först.", slow: "Många frågor just nu. Vänta en minut och försök igen.",
      failed: "Det gick inte att få ett svar just nu." + (emergency ? " Händer det nu? Ring " + emergency + "." : ""),
      notHere: "Den här rutan är inte tillgänglig på den här webbplatsen. Gå till Bedrägerikollen:",
      offline: "Bedrägerikollen går inte att nå just nu. Försök igen senare." + (emergency ? " Händer det nu? Ring " + emergency + "." : "")
    },
    en: {
      warnings: "Current warnings", warningsFor: "Current warnings for ", none: "There are no current warnings right now.",
      all: "All warnings on Bedrägerikollen", published: "Published ", loading: "Loading …",
      ask: "Ask Bedrägerikollen", label: "Write your question or paste the message you got",
      hint: "Do not write your personal identity number, card number or codes.", send: "Ask", thinking: "Looking for an answer …",
      more: "Read more on Bedrägerikollen", empty: "Write your question first.", slow: "Many questions right now. Wait a minute and try again.",
      failed: "Could not get an answer right now." + (emergency ? " Is it happening now? Call " + emergency + "." : ""),
      notHere: "This box is not available on this website. Go to Bedrägerikollen:",
      offline: "Bedrägerikollen cannot be reached right now. Try again later." + (emergency ? " Is it happening now? Call " + emergency + "." : "")
    }
  }[lang];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }
  function api(path) {
    return base + "/embed/api/" + path;
  }
  function query(params) {
    var q = new URLSearchParams();
    Object.keys(params).forEach(function (k) { if (params[k]) { q.set(k, params[k]); } });
    var s = q.toString();
    return s ? "?" + s : "";
  }

  var host = el("div", {"class": "fraudbot-embed"});
  script.parentNode.insertBefore(host, script);
  var root = host.attachShadow ? host.attachShadow({mode: "open"}) : host;
  root.appendChild(el("link", {rel: "stylesheet", href: base + "/static/embed.css"}));
  if (sameOrigin) { // an iframe cannot take the page's CSS variables: ?accent=%23005a9c&background=…&text=…
    var params = new URLSearchParams(location.search);
    ["accent", "accent-text", "background", "text"].forEach(function (name) {
      var value = params.get(name);
      if (value && /^#[0-9a-fA-F]{3,8}$/.test(value)) { host.style.setProperty("--fraudbot-" + name, value); }
    });
  }
  var section = el("section", {"class": "fb-box", "aria-labelledby": "fb-heading", lang: lang});
  var heading = el("h2", {id: "fb-heading"}, box === "fraga" ? T.ask : (kommun ? T.warningsFor + kommun : T.warnings));
  var status = el("p", {"class": "fb-status", role: "status"});
  section.appendChild(heading);
  section.appendChild(status);
  root.appendChild(section);

  // A refused cross-origin request and a network error look the same to a page. A no-cors request
  // (whose answer the page may not read) still tells them apart: it succeeds when the service is up.
  function explainFailure() {
    return fetch(base + "/embed/api/status", {mode: "no-cors", credentials: "omit"}).then(function () {
      status.textContent = T.notHere + " ";
      status.appendChild(el("a", {href: base + "/" + (lang === "en" ? "?lang=en" : "")}, base.replace(/^https?:\/\//, "")));
      section.classList.add("fb-unavailable");
    }, function () {
      status.textContent = T.offline;
    });
  }
  function onError(error) { // only a failed request may be a refusal; an error status is the service's own
    if (error instanceof TypeError) { return explainFailure(); }
    status.textContent = T.offline;
  }

  function listWarnings() {
    status.textContent = T.loading;
    fetch(api("varningar") + query({kommun: kommun, lang: lang === "en" ? "en" : ""}), {credentials: "omit"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        status.textContent = data.warnings.length ? "" : T.none;
        var list = el("ul", {"class": "fb-warnings"});
        data.warnings.forEach(function (w) {
          var item = el("li", {"class": "fb-warning fb-" + w.severity + (w.kind === "withdrawal" ? " fb-withdrawal" : "")});
          item.appendChild(el("h3", {}, w.heading));
          item.appendChild(el("p", {}, w.text));
          var when = new Date(w.published);
          var meta = el("p", {"class": "fb-meta"}, T.published);
          meta.appendChild(el("time", {datetime: w.published}, when.toLocaleDateString(lang === "en" ? "en-GB" : "sv-SE",
            {day: "numeric", month: "long", year: "numeric"})));
          item.appendChild(meta);
          list.appendChild(item);
        });
        section.appendChild(list);
        section.appendChild(el("p", {"class": "fb-more"})).appendChild(
          el("a", {href: base + "/varningar" + query({kommun: kommun, lang: lang === "en" ? "en" : ""})}, T.all));
      }).catch(onError);
  }

  function showReply(answer, reply) {
    answer.textContent = "";
    var article = el("article", {lang: lang});
    if (reply.urgent) { article.appendChild(el("p", {"class": "fb-urgent-now"}, reply.urgent)); }
    if (reply.title) { article.appendChild(el("h3", {}, reply.title)); }
    if (reply.intro) { article.appendChild(el("p", {}, reply.intro)); }
    reply.sections.forEach(function (s) {
      article.appendChild(el("h4", {}, s.heading));
      var ul = article.appendChild(el("ul"));
      s.items.forEach(function (item) { ul.appendChild(el("li", {}, item)); });
    });
    [[reply.choices_heading, reply.choices], [reply.alternatives_heading, reply.alternatives]].forEach(function (pair) {
      if (!pair[1].length) { return; }
      if (pair[0]) { article.appendChild(el("h4", {}, pair[0])); }
      var ul = article.appendChild(el("ul"));
      pair[1].forEach(function (link) { ul.appendChild(el("li")).appendChild(el("a", {href: link.url, target: "_top"}, link.title)); });
    });
    var numbers = article.appendChild(el("ul", {"class": "fb-numbers"}));
    reply.footer.forEach(function (line) { numbers.appendChild(el("li", {}, line)); });
    if (reply.topic_url) {
      article.appendChild(el("p", {"class": "fb-more"})).appendChild(el("a", {href: reply.topic_url, target: "_top"}, T.more));
    }
    answer.appendChild(article);
  }

  function askBox() {
    var form = el("form", {"class": "fb-ask", novalidate: ""});
    form.appendChild(el("label", {"for": "fb-text"}, T.label));
    form.appendChild(el("p", {"class": "fb-hint", id: "fb-hint"}, T.hint));
    var text = form.appendChild(el("textarea", {id: "fb-text", name: "text", rows: "4", maxlength: "4096", "aria-describedby": "fb-hint"}));
    var button = form.appendChild(el("button", {type: "submit"}, T.send));
    var answer = el("div", {"class": "fb-answer", "aria-live": "polite"});
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!text.value.trim()) { status.textContent = T.empty; text.focus(); return; }
      button.disabled = true;
      answer.setAttribute("aria-busy", "true");
      answer.textContent = T.thinking;
      fetch(api("fraga"), {
        method: "POST", credentials: "omit", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({text: text.value, lang: lang})
      }).then(function (r) {
        if (r.status === 429) { throw new Error(T.slow); }
        if (!r.ok) { throw new Error(T.failed); }
        return r.json();
      }).then(function (data) {
        status.textContent = "";
        showReply(answer, data.reply);
      }).catch(function (error) {
        answer.textContent = "";
        if (error instanceof TypeError) { return explainFailure(); }
        answer.appendChild(el("p", {"class": "fb-error", role: "alert"}, error.message === T.slow ? T.slow : T.failed));
      }).then(function () {
        button.disabled = false;
        answer.removeAttribute("aria-busy");
      });
    });
    status.textContent = T.loading;
    fetch(api("status"), {credentials: "omit"}).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      status.textContent = "";
      section.appendChild(form);
      section.appendChild(answer);
    }).catch(onError);
  }

  if (box === "fraga") { askBox(); } else { listWarnings(); }
}());
