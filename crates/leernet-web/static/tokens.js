// The copy button of a new API token: shown only when the browser can copy; without it
// the token stays selectable in its field.
(function () {
  var button = document.getElementById("copy-token");
  var field = document.getElementById("new-token");
  var status = document.getElementById("copy-status");
  if (!button || !field || !navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      status.textContent = button.getAttribute("data-copied");
    }, function () {
      field.select();
    });
  });
})();
