// Watchkeeper pages: breach countdowns that tick between refreshes, keyboard shortcuts, and
// keeping an opened "why this rank" open across live refreshes. No inline script anywhere,
// so the Content-Security-Policy default-src 'self' holds.
(function () {
  "use strict";

  function label(minutes) {
    var whole = Math.round(Math.abs(minutes));
    var h = Math.floor(whole / 60), m = whole % 60;
    var text = h ? h + " h " + (m < 10 ? "0" : "") + m + " min" : m + " min";
    return minutes < 0 ? "breached " + text + " ago" : "breaches in " + text;
  }

  // The server computes minutes to breach; the page counts down from when it was drawn.
  function stamp(root) {
    var now = Date.now();
    root.querySelectorAll("[data-minutes-to-breach]").forEach(function (el) {
      el.dataset.drawnAt = String(now);
    });
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-minutes-to-breach]").forEach(function (el) {
      var drawn = Number(el.dataset.drawnAt || now);
      var left = Number(el.dataset.minutesToBreach) - (now - drawn) / 60000;
      el.textContent = label(left);
      el.classList.toggle("breached", left < 0);
    });
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll(".board a.row-link"));
  }

  function move(step) {
    var links = rows();
    if (!links.length) { return; }
    var at = links.indexOf(document.activeElement);
    var next = at < 0 ? 0 : Math.min(Math.max(at + step, 0), links.length - 1);
    links[next].focus();
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "/") {
      var first = document.querySelector(".filters select, .filters input");
      if (first) { event.preventDefault(); first.focus(); }
    } else if (event.key === "j") {
      move(1);
    } else if (event.key === "k") {
      move(-1);
    }
  });

  // An opened explanation is preserved by htmx across refreshes; a closed one is redrawn.
  document.addEventListener("toggle", function (event) {
    var el = event.target;
    if (el.tagName !== "DETAILS" || !el.id) { return; }
    if (el.open) { el.setAttribute("hx-preserve", "true"); } else { el.removeAttribute("hx-preserve"); }
  }, true);

  document.addEventListener("DOMContentLoaded", function () { stamp(document); });
  document.addEventListener("htmx:afterSwap", function (event) { stamp(event.target); });
  window.setInterval(tick, 15000);
}());
