// Guided sessions: follow the session (poll once a second, reload when the step changes) and, on
// the big screen, let the facilitator drive with the keyboard: → or N next, space or R reveal.
(function () {
  "use strict";
  var root = document.querySelector("[data-session]");
  if (!root) { return; }
  var version = root.getAttribute("data-version");

  // The big screen: the step's text as large as fits one screen without scrolling. The CSS keeps
  // it from going below --min-text (readable from the back of the room); see session.css.
  var MAX_SHARE = 0.075;  // of the screen height: short texts (a confidence question) get this big
  var MIN_SHARE = 0.0333;
  function fitScreen() {
    var body = document.getElementById("screen-body");
    if (!body) { return; }
    var doc = document.documentElement;
    var height = window.innerHeight;
    function fits() { return doc.scrollHeight <= height; }
    function search() {
      var lo = height * MIN_SHARE;
      var hi = height * MAX_SHARE;
      body.style.setProperty("--fit", hi + "px");
      if (fits()) { return; }
      for (var i = 0; i < 12; i++) {
        var mid = (lo + hi) / 2;
        body.style.setProperty("--fit", mid + "px");
        if (fits()) { lo = mid; } else { hi = mid; }
      }
      body.style.setProperty("--fit", lo + "px");
    }
    root.classList.remove("dense");
    search();
    if (!fits()) {  // even the smallest readable size is too big: tighten the spacing instead
      root.classList.add("dense");
      search();
    }
    root.setAttribute("data-fitted", window.innerWidth + "x" + height);
  }
  if (root.classList.contains("screen")) {
    fitScreen();
    window.addEventListener("resize", fitScreen);
  }

  function poll() {
    fetch(root.getAttribute("data-state"), { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && state.version !== version) { window.location.reload(); return; }
        if (state) {
          var answered = document.getElementById("answered");
          var participants = document.getElementById("participants");
          if (answered) { answered.textContent = state.answered; }
          if (participants) { participants.textContent = state.participants; }
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);

  if (root.getAttribute("data-facilitator") !== "1") { return; }
  function submit(id) {
    var form = document.getElementById(id);
    if (form) { form.submit(); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("input, textarea, select, button, summary, a")) { return; }
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    if (key === "ArrowRight" || key === "n" || key === "N") {
      if (submit("form-next")) { event.preventDefault(); }
    } else if (key === " " || key === "r" || key === "R") {
      if (submit("form-reveal")) { event.preventDefault(); }
    }
  });
}());
