// The votes left, updated while a member types their dots on the agenda page
// (ws_agenda.html). Progressive enhancement: the server checks the dots again on submit and
// says which topic went over, so the form works the same without this script.
(function () {
  'use strict';
  var form = document.getElementById('vote-form');
  var out = document.getElementById('votes-left');
  if (!form || !out) {
    return;
  }
  var allowed = parseInt(form.getAttribute('data-allowed'), 10);
  var leftText = form.getAttribute('data-left');
  var overText = form.getAttribute('data-over');
  function update() {
    var used = 0;
    form.querySelectorAll('input[type=number]').forEach(function (input) {
      var n = Number(input.value);
      if (input.value !== '' && Number.isInteger(n) && n > 0) {
        used += n;
      }
    });
    var left = allowed - used;
    out.textContent = left >= 0 ? leftText + ': ' + left : overText + ': ' + (-left);
    out.classList.toggle('over', left < 0);
  }
  form.addEventListener('input', update);
})();
