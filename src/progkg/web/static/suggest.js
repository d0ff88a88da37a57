// Suggestions as you type in the search box (an ARIA combobox). The box works without this
// script: the form submits to /search. Nothing is fetched from outside the server; names are
// inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) return;
  var items = [], active = -1, timer = null, seq = 0;

  function close() {
    list.hidden = true; list.innerHTML = ""; items = []; active = -1;
    input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
  }
  function select(i) {
    active = i;
    Array.prototype.forEach.call(list.children, function (li, j) {
      li.setAttribute("aria-selected", j === i ? "true" : "false");
    });
    if (i >= 0) input.setAttribute("aria-activedescendant", "sugg-" + i);
  }
  function show(data) {
    list.innerHTML = ""; items = data; active = -1;
    if (!data.length) { close(); return; }
    data.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "sugg-" + i; li.setAttribute("role", "option"); li.setAttribute("aria-selected", "false");
      var a = document.createElement("span"); a.textContent = s.name; li.appendChild(a);
      var k = document.createElement("span"); k.className = "k"; k.textContent = s.kind; li.appendChild(k);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); window.location.href = s.url; });
      list.appendChild(li);
    });
    list.hidden = false; input.setAttribute("aria-expanded", "true");
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    timer = setTimeout(function () {
      var mine = ++seq;
      fetch("/suggest?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (data) { if (mine === seq) show(data); })
        .catch(function () { close(); });
    }, 150);
  });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); select(Math.min(active + 1, items.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); select(Math.max(active - 1, 0)); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); window.location.href = items[active].url; }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
