// Progressive enhancement only: every form here also works without JavaScript.
(function () {
  "use strict";
  var form = document.getElementById("chat-form");
  var answer = document.getElementById("answer");
  if (form && answer && window.fetch) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new URLSearchParams(new FormData(form));
      var button = event.submitter;
      data.set("action", button && button.value ? button.value : "ask");
      var heading = document.getElementById("answer-heading");
      heading.classList.remove("visually-hidden");
      answer.setAttribute("aria-busy", "true");
      answer.textContent = answer.dataset.busy;
      fetch("/svar", { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok && response.status !== 429) { throw new Error(response.status); }
          return response.text();
        })
        .then(function (html) { answer.innerHTML = html; })
        .catch(function () { answer.textContent = answer.dataset.error; })
        .finally(function () { answer.removeAttribute("aria-busy"); });
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
