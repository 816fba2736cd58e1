// The coding component of documents and answers (templates/coding_workbench.html).
// - A selection inside the text (mouse, or keyboard with caret browsing) becomes the start
//   and end of the coding form, in Unicode code points as the server counts, grown to whole
//   words unless Alt is held; its words are read out in the preview.
// - Keyboard without caret browsing: type a passage's words into the find field, Enter
//   selects the next place they stand.
// - The code tree: type to filter (Enter chooses the first code shown), recently used codes
//   first (kept in this browser only).
// - A highlight, clicked or entered, leads to its passage in the list (codes, memo, change,
//   remove).
// - Keys: j next, k previous, a accept and r reject the focused suggestion.
// Everything is also reachable without this script: fields, radio buttons, lists and links.
(function () {
  'use strict';
  var text = document.getElementById('doc-text');
  var form = document.getElementById('coding-form');
  var start = document.getElementById('start');
  var end = document.getElementById('end');
  var preview = document.getElementById('selection-preview');
  var altHeld = false;

  document.addEventListener('keydown', function (e) { if (e.key === 'Alt') { altHeld = true; } });
  document.addEventListener('keyup', function (e) { if (e.key === 'Alt') { altHeld = false; } });
  document.addEventListener('mousedown', function (e) { altHeld = e.altKey; });

  // The part's text as code points from data-from, gaps (speaker labels) as spaces.
  var runs = [];
  var chars = [];
  var from = 0;
  if (text) {
    from = parseInt(text.getAttribute('data-from'), 10) || 0;
    var to = parseInt(text.getAttribute('data-to'), 10) || 0;
    chars = new Array(Math.max(0, to - from));
    for (var i = 0; i < chars.length; i++) { chars[i] = ' '; }
    var els = text.querySelectorAll('[data-s]');
    for (var j = 0; j < els.length; j++) {
      var el = els[j];
      var s = parseInt(el.getAttribute('data-s'), 10);
      var cps = Array.from(el.textContent);
      runs.push({ el: el, s: s, e: s + cps.length });
      for (var k = 0; k < cps.length; k++) {
        if (s + k - from >= 0 && s + k - from < chars.length) { chars[s + k - from] = cps[k]; }
      }
    }
  }

  function isWord(c) { return c !== undefined && /[\p{L}\p{N}\p{M}_'’-]/u.test(c); }
  function at(p) { return chars[p - from]; }

  // The position in code points of a boundary (node, offset) of a selection; `isEnd` says
  // which way to go when the boundary lies outside every run (a speaker's label, a button).
  function position(node, offset, isEnd) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    var run = el && el.closest ? el.closest('[data-s]') : null;
    if (run && text.contains(run)) {
      var r = document.createRange();
      r.selectNodeContents(run);
      r.setEnd(node, offset);
      return parseInt(run.getAttribute('data-s'), 10) + Array.from(r.toString()).length;
    }
    // outside a run: the nearest run after (start) or before (end) the boundary
    var probe = document.createRange();
    probe.setStart(node, offset);
    var best = null;
    for (var i = 0; i < runs.length; i++) {
      var cmp = probe.comparePoint(runs[i].el, 0);
      if (!isEnd && cmp >= 0) { return runs[i].s; }
      if (isEnd && cmp < 0) { best = runs[i].e; }
    }
    return best;
  }

  function snap(a, b) {
    // no white space at either end, then whole words
    while (a < b && !isWord(at(a)) && /\s/u.test(at(a) || ' ')) { a++; }
    while (b > a && !isWord(at(b - 1)) && /\s/u.test(at(b - 1) || ' ')) { b--; }
    if (a >= b) { return null; }
    while (a > from && isWord(at(a - 1)) && isWord(at(a))) { a--; }
    while (b < from + chars.length && isWord(at(b)) && isWord(at(b - 1))) { b++; }
    return [a, b];
  }

  function show(a, b) {
    start.value = String(a);
    end.value = String(b);
    if (preview) {
      var words = chars.slice(a - from, b - from).join('');
      if (words.length > 200) { words = words.slice(0, 199) + '…'; }
      preview.textContent = '“' + words + '”';
    }
  }

  if (text && start && end) {
    document.addEventListener('selectionchange', function () {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
      var r = sel.getRangeAt(0);
      if (!text.contains(r.commonAncestorContainer) && r.commonAncestorContainer !== text) { return; }
      var a = position(r.startContainer, r.startOffset, false);
      var b = position(r.endContainer, r.endOffset, true);
      if (a === null || b === null || b <= a) { return; }
      var span = altHeld ? [a, b] : snap(a, b);
      if (span) { show(span[0], span[1]); }
    });
  }

  // Finding the words of a passage: a keyboard user types them into #find-words and
  // presses Enter; the next place they stand (from the last one found, case and line breaks
  // ignored) becomes the selection, shown in the text and in the preview, as a mouse
  // selection would. Enter again goes to the next place.
  var find = document.getElementById('find-words');
  var findStatus = document.getElementById('find-status');
  if (find && text && start && end) {
    document.getElementById('find-field').hidden = false;
    var lastFound = -1;
    var isSpace = function (c) { return c === undefined || /\s/u.test(c); };
    var lower = chars.map(function (c) { return (c || ' ').toLowerCase(); });
    // where the words `q` (lower case, single spaces) end when they start at i, or -1
    var matchAt = function (q, i) {
      var p = i;
      for (var k = 0; k < q.length; k++) {
        if (q[k] === ' ') {
          if (p >= lower.length || !isSpace(chars[p])) { return -1; }
          while (p < lower.length && isSpace(chars[p])) { p++; }
        } else {
          if (p >= lower.length || lower[p] !== q[k]) { return -1; }
          p++;
        }
      }
      return p;
    };
    var select = function (a, b) {
      // the found words, selected in the text as a mouse would select them
      var point = function (pos, isEnd) {
        for (var i = 0; i < runs.length; i++) {
          var r = runs[i];
          if (pos >= r.s && (isEnd ? pos <= r.e : pos < r.e)) {
            var node = r.el.firstChild;
            if (!node) { return null; }
            var off = Array.from(r.el.textContent).slice(0, pos - r.s).join('').length;
            return [node, off];
          }
        }
        return null;
      };
      var p0 = point(a, false);
      var p1 = point(b, true);
      var sel = window.getSelection();
      if (p0 && p1 && sel) {
        var range = document.createRange();
        range.setStart(p0[0], p0[1]);
        range.setEnd(p1[0], p1[1]);
        sel.removeAllRanges();
        sel.addRange(range);
        var unit = p0[0].parentElement.closest('.unit');
        if (unit && unit.scrollIntoView) { unit.scrollIntoView({ block: 'nearest' }); }
      }
      show(a, b);
    };
    find.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter') { return; }
      e.preventDefault();
      var q = Array.from(find.value.trim().toLowerCase().replace(/\s+/gu, ' '));
      if (!q.length) { return; }
      var hits = [];
      for (var i = 0; i < lower.length; i++) {
        var j = matchAt(q, i);
        if (j > 0) { hits.push([i, j]); }
      }
      if (!hits.length) {
        lastFound = -1;
        findStatus.textContent = findStatus.getAttribute('data-none');
        return;
      }
      var n = 0;
      while (n < hits.length && hits[n][0] <= lastFound) { n++; }
      if (n === hits.length) { n = 0; }
      lastFound = hits[n][0];
      var a = from + hits[n][0];
      var b = from + hits[n][1];
      var span = altHeld ? [a, b] : (snap(a, b) || [a, b]);
      select(span[0], span[1]);
      find.focus();
      findStatus.textContent = findStatus.getAttribute('data-hit')
        .replace('{n}', String(n + 1)).replace('{of}', String(hits.length));
    });
  }

  // A highlight leads to its passage in the list.
  if (text) {
    var open = function (mark) {
      var ids = (mark.getAttribute('aria-describedby') || '').split(' ');
      var item = ids.length ? document.getElementById(ids[0].replace('pc-', 'passage-')) : null;
      if (!item) { return; }
      var prev = document.querySelectorAll('.passage-list li.current');
      for (var i = 0; i < prev.length; i++) { prev[i].classList.remove('current'); }
      item.classList.add('current');
      var details = item.querySelector('details');
      if (details) { details.open = true; }
      item.focus();
    };
    text.addEventListener('click', function (e) {
      var sel = window.getSelection();
      if (sel && !sel.isCollapsed) { return; }
      var m = e.target.closest ? e.target.closest('mark.coded') : null;
      if (m) { open(m); }
    });
    text.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter') { return; }
      var m = e.target.closest ? e.target.closest('mark.coded') : null;
      if (m) { e.preventDefault(); open(m); }
    });
  }

  // The code tree: filter, recent codes first.
  var list = document.getElementById('code-list');
  var filter = document.getElementById('code-filter');
  var recentBox = document.getElementById('recent-codes');
  var key = 'leernet.recent.' + window.location.pathname.replace(/\/(answers|documents)\/\d+$/, '');
  function recent() {
    try { return JSON.parse(window.localStorage.getItem(key) || '[]'); } catch (e) { return []; }
  }
  if (list && filter) {
    document.getElementById('code-filter-field').hidden = false;
    var items = list.querySelectorAll('li');
    filter.addEventListener('input', function () {
      var q = filter.value.trim().toLowerCase();
      for (var i = 0; i < items.length; i++) {
        var hit = !q || (items[i].getAttribute('data-filter') || '').indexOf(q) >= 0;
        items[i].hidden = !hit;
      }
      // a folder stays when a code under it is shown
      for (var j = items.length - 1; j >= 0; j--) {
        if (!items[j].classList.contains('folder') || !q) { continue; }
        var depth = parseInt((items[j].className.match(/depth-(\d)/) || [0, 0])[1], 10);
        for (var n = j + 1; n < items.length; n++) {
          var d = parseInt((items[n].className.match(/depth-(\d)/) || [0, 0])[1], 10);
          if (d <= depth) { break; }
          if (!items[n].hidden) { items[j].hidden = false; break; }
        }
      }
    });
    filter.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter') { return; }
      e.preventDefault();
      var first = list.querySelector('li.code:not([hidden]) input');
      if (first) { first.checked = true; first.focus(); }
    });
    var ids = recent();
    if (recentBox && ids.length) {
      var ul = recentBox.querySelector('ul');
      ids.slice(0, 5).forEach(function (id) {
        var input = document.getElementById('code-' + id);
        if (!input) { return; }
        var label = list.querySelector('label[for="code-' + id + '"]');
        var li = document.createElement('li');
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'link recent-code';
        b.textContent = label ? label.textContent : id;
        b.addEventListener('click', function () { input.checked = true; input.focus(); });
        li.appendChild(b);
        ul.appendChild(li);
      });
      recentBox.hidden = ul.children.length === 0;
    }
  }
  if (form) {
    form.addEventListener('submit', function () {
      var chosen = form.querySelector('input[name="code"]:checked');
      if (!chosen) { return; }
      var ids = recent().filter(function (x) { return x !== chosen.value; });
      ids.unshift(chosen.value);
      try { window.localStorage.setItem(key, JSON.stringify(ids.slice(0, 8))); } catch (e) { /* private mode */ }
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
