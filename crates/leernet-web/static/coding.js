// Coding an answer without typing offsets: a selection inside the answer fills the start and
// end fields (Unicode code points, as the server counts), and the keyboard moves through the
// queue (j next, k previous) and decides the focused suggestion (a accept, r reject).
// Everything here is also reachable without the script: fields, buttons and links.
(function () {
  'use strict';
  var answer = document.getElementById('answer-text');
  var start = document.getElementById('start');
  var end = document.getElementById('end');
  var preview = document.getElementById('selection-preview');

  // Code points in the first `units` UTF-16 units of `s`.
  function points(s, units) {
    return Array.from(s.slice(0, units)).length;
  }

  function offsetIn(node, offset) {
    // The offset of (node, offset) within the answer's text, in UTF-16 units.
    var range = document.createRange();
    range.selectNodeContents(answer);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  if (answer && start && end) {
    document.addEventListener('selectionchange', function () {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
      var r = sel.getRangeAt(0);
      if (!answer.contains(r.startContainer) || !answer.contains(r.endContainer)) { return; }
      var text = answer.textContent;
      var a = points(text, offsetIn(r.startContainer, r.startOffset));
      var b = points(text, offsetIn(r.endContainer, r.endOffset));
      if (a === b) { return; }
      start.value = String(Math.min(a, b));
      end.value = String(Math.max(a, b));
      if (preview) {
        var chars = Array.from(text);
        preview.textContent = '“' + chars.slice(Math.min(a, b), Math.max(a, b)).join('') + '”';
      }
    });
  }

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    var tag = t && t.tagName ? t.tagName.toLowerCase() : '';
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || (t && t.isContentEditable)) { return; }
    var link = null;
    if (e.key === 'j') { link = document.getElementById('next-answer'); }
    if (e.key === 'k') { link = document.getElementById('prev-answer'); }
    if (link) { e.preventDefault(); window.location.href = link.href; return; }
    if (e.key === 'a' || e.key === 'r') {
      var item = t && t.closest ? t.closest('.suggestion') : null;
      if (!item) { item = document.querySelector('.suggestion'); }
      if (!item) { return; }
      var button = item.querySelector(e.key === 'a' ? 'button.accept' : 'button.reject');
      if (button) { e.preventDefault(); button.click(); }
    }
  });

})();
