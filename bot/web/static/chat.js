// Progressive enhancement only: every form here also works without JavaScript.
(function () {
  "use strict";
  var TOKEN_KEY = "fraudbot-conversation";
  var TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

  // One conversation token per browser window (sessionStorage, no cookie): the questions asked here
  // are logged under its keyed hash, so "Radera mina frågor" can find them again.
  function keepConversation() {
    var fields = document.querySelectorAll("input[name=conversation]");
    if (!fields.length) { return; }
    var stored = null;
    try { stored = window.sessionStorage.getItem(TOKEN_KEY); } catch (e) { return; }
    if (stored && TOKEN.test(stored)) {
      Array.prototype.forEach.call(fields, function (field) { field.value = stored; });
    } else {
      try { window.sessionStorage.setItem(TOKEN_KEY, fields[0].value); } catch (e) { /* private mode: the field still works */ }
    }
  }
  keepConversation();

  // The answer replaces the old one in place; its heading gets focus and is scrolled to the top, so
  // on a phone the answer is in view and a screen reader starts reading there.
  function showAnswer(heading) {
    heading.classList.remove("visually-hidden");
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start" });
  }

  var form = document.getElementById("chat-form");
  var answer = document.getElementById("answer");
  var heading = document.getElementById("svar");
  if (form && answer && heading && window.fetch) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new URLSearchParams(new FormData(form));
      var button = event.submitter;
      data.set("action", button && button.value ? button.value : "ask");
      answer.setAttribute("aria-busy", "true");
      answer.textContent = answer.dataset.busy;
      showAnswer(heading);
      fetch("/svar", { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok && response.status !== 429) { throw new Error(response.status); }
          return response.text();
        })
        .then(function (html) { answer.innerHTML = html; })
        .catch(function () { answer.textContent = answer.dataset.error; })
        .finally(function () {
          answer.removeAttribute("aria-busy");
          showAnswer(heading);
        });
    });
  }

  // Display choices apply at once; the form still saves them for the next visit.
  var display = document.getElementById("display-form");
  if (display) {
    display.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type !== "checkbox") { return; }
      document.body.classList.toggle(box.name, box.checked);
      fetch("/visning", { method: "POST", body: new URLSearchParams(new FormData(display)), credentials: "same-origin", redirect: "manual" });
    });
  }
})();
