// The wave page's small script (issue 18). Without it the page works the same: every field
// of the invitations form shows (each says which type it is for), the server expands "all
// networks" and the Werkplaatsen, and each link is selectable text.
(function () {
  // Only the fields of the chosen invitation type.
  var form = document.getElementById("invite-form");
  if (form) {
    var radios = form.querySelectorAll("input[name=mode]");
    var show = function () {
      var mode = "";
      radios.forEach(function (r) { if (r.checked) { mode = r.value; } });
      form.querySelectorAll("[data-mode]").forEach(function (f) {
        f.hidden = f.getAttribute("data-mode") !== mode;
      });
    };
    radios.forEach(function (r) { r.addEventListener("change", show); });
    show();
    // "All networks" ticks and unticks every network.
    var all = document.getElementById("all-networks");
    if (all) {
      all.addEventListener("change", function () {
        form.querySelectorAll("input[name=network]").forEach(function (n) { n.checked = all.checked; });
      });
    }
  }
  // Copy buttons: shown only when the browser can copy.
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var field = document.getElementById(b.getAttribute("data-copy"));
      if (!field) { return; }
      navigator.clipboard.writeText(field.value).then(function () {
        b.textContent = b.getAttribute("data-copied");
      }, function () { field.select(); });
    });
  });
})();
