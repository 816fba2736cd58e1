// leernet survey: shows and hides questions as answers change, without a reload.
// Progressive enhancement only: the server evaluates every rule again on every save, and the
// survey works without this script (a round trip per page). Same origin, no inline code.
(function () {
  "use strict";
  var form = document.querySelector("form.survey");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-relevance");
  var timer = null;
  var busy = false;
  function apply(visible) {
    var set = {};
    visible.forEach(function (n) { set[n] = true; });
    form.querySelectorAll("[data-q]").forEach(function (el) {
      var name = el.getAttribute("data-q");
      if (el.tagName === "H2") { return; }
      var show = !!set[name];
      el.hidden = !show;
      el.querySelectorAll("input, textarea, select").forEach(function (i) { i.disabled = !show; });
    });
    var shown = form.querySelector("input[name=shown]");
    if (shown) { shown.value = visible.join(" "); }
  }
  function update() {
    if (busy) { timer = setTimeout(update, 100); return; }
    busy = true;
    var body = new URLSearchParams(new FormData(form));
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (data && Array.isArray(data.visible)) { apply(data.visible); }
    }).catch(function () { /* the round trip on save still works */ }).then(function () {
      busy = false;
    });
  }
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  } else if (location.hash) {
    // After "add another" or "remove": move the focus to the new instance or the repeat.
    var target = document.getElementById(location.hash.slice(1));
    if (target && (target.classList.contains("instance") || target.classList.contains("repeat"))) {
      target.focus();
    }
  }
})();
