// The live progress bar on a warning that is being sent (the page shows the same figures without it).
(function () {
  "use strict";
  var bar = document.getElementById("progress");
  var text = document.getElementById("progress-text");
  if (!bar || !text || !bar.dataset.statusUrl || !window.fetch) { return; }
  function describe(s) {
    var line = s.sent + " av " + s.total + " skickade, " + (s.queued + s.in_flight) + " i kö" +
      (s.retrying ? ", varav " + s.retrying + " väntar på nytt försök efter nätverksfel" : "") + ", " + s.failed +
      " misslyckades, " + s.blocked + " har blockerat boten";
    return s.state === "sending" ? line + "; " + s.eta_text + "." : line + ". Klart.";
  }
  function tick() {
    fetch(bar.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (s) {
        bar.value = s.done_share;
        text.textContent = describe(s);
        if (s.state === "sending") { setTimeout(tick, 1000); }
      })
      .catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 1000);
})();
