/* Copy buttons on the dashboard: <button data-copy="id-of-a-textarea">; the result is announced. */
(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  function say(text) { if (status) { status.textContent = text; } }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) { return; }
      field.select();
      var done = function () { say("Kopierat."); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { say("Markerat: tryck Ctrl+C för att kopiera."); });
      } else {
        say(document.execCommand && document.execCommand("copy") ? "Kopierat." : "Markerat: tryck Ctrl+C för att kopiera.");
      }
    });
  });
}());
