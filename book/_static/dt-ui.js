// The site's own interface fixes, loaded on every page (html_js_files in _config.yml).
(function () {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 992px)"); // the themes' "lg" breakpoint

  // ---- Sidebar toggles ---------------------------------------------------------------------
  // pydata-sphinx-theme 0.17.1 and sphinx-book-theme 1.3.0 bind their toggle handlers with
  // document.querySelector(".primary-toggle") / (".secondary-toggle"): the first match is the
  // header's button, which sphinx-book-theme hides, so the visible ☰ and contents buttons in the
  // article header do nothing (pydata/pydata-sphinx-theme#2451,
  // executablebooks/sphinx-book-theme#988). One handler here serves every toggle, in the capture
  // phase so that the themes' own handlers never run as well. It does what they mean to do: on a
  // wide screen ☰ collapses the primary sidebar in place; otherwise a toggle moves its sidebar
  // into the theme's <dialog> and opens it modally. The theme's own listeners on the dialogs
  // (backdrop click, Escape, moving the sidebar back on close) stay in force; ours below repeat
  // them idempotently in case the theme did not bind them.
  var PAIRS = {
    "primary-toggle": ["pst-primary-sidebar", "pst-primary-sidebar-modal"],
    "secondary-toggle": ["pst-secondary-sidebar", "pst-secondary-sidebar-modal"],
  };

  function move(from, to) {
    Array.from(from.childNodes).forEach(function (node) { to.appendChild(node); });
    Array.from(from.classList).forEach(function (cls) {
      from.classList.remove(cls);
      to.classList.add(cls);
    });
  }

  function toggleSidebar(kind, button) {
    var sidebar = document.getElementById(PAIRS[kind][0]);
    var dialog = document.getElementById(PAIRS[kind][1]);
    if (!sidebar || !dialog) return;
    if (kind === "primary-toggle" && WIDE.matches) {
      var hidden = sidebar.classList.toggle("pst-sidebar-hidden");
      document.querySelectorAll(".primary-toggle").forEach(function (b) {
        b.setAttribute("aria-expanded", String(!hidden));
      });
      return;
    }
    if (dialog.open) {
      dialog.close();
      return;
    }
    move(sidebar, dialog);
    dialog.showModal();
    dialog.addEventListener("close", function () { if (button.focus) button.focus(); }, { once: true });
  }

  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest && event.target.closest(".primary-toggle, .secondary-toggle");
      if (!button) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      button.blur();
      toggleSidebar(button.classList.contains("primary-toggle") ? "primary-toggle" : "secondary-toggle", button);
    },
    true
  );

  Object.keys(PAIRS).forEach(function (kind) {
    var sidebar = document.getElementById(PAIRS[kind][0]);
    var dialog = document.getElementById(PAIRS[kind][1]);
    if (!sidebar || !dialog) return;
    dialog.addEventListener("close", function () {
      if (dialog.childNodes.length) move(dialog, sidebar);
    });
    dialog.addEventListener("click", function (event) {
      if (event.target !== dialog || !dialog.open) return;
      var r = dialog.getBoundingClientRect();
      var inside = r.top <= event.clientY && event.clientY <= r.bottom && r.left <= event.clientX && event.clientX <= r.right;
      if (!inside) dialog.close();
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && dialog.open) dialog.close();
    });
  });

  // Back on a wide screen with a dialog still open: put the sidebar back where it belongs.
  WIDE.addEventListener("change", function () {
    Object.keys(PAIRS).forEach(function (kind) {
      var dialog = document.getElementById(PAIRS[kind][1]);
      if (dialog && dialog.open) dialog.close();
    });
  });

  // ---- Wide charts and tables: say that they scroll ----------------------------------------
  // A chart or table wider than the column scrolls inside its own frame; the frame then gets a
  // hint above it and a fade on the side that has more to show.
  function frameScrolls(frame) {
    var hint = frame.previousElementSibling;
    if (!hint || !hint.classList.contains("dt-scroll-hint")) {
      hint = document.createElement("p");
      hint.className = "dt-scroll-hint";
      hint.textContent = "左右滑动查看";
      frame.parentNode.insertBefore(hint, frame);
    }
    var update = function () {
      var scrolls = frame.scrollWidth > frame.clientWidth + 1;
      frame.classList.toggle("dt-scrolls", scrolls);
      hint.classList.toggle("dt-shown", scrolls);
      frame.classList.toggle("dt-at-start", frame.scrollLeft <= 1);
      frame.classList.toggle("dt-at-end", frame.scrollLeft + frame.clientWidth >= frame.scrollWidth - 1);
    };
    frame.addEventListener("scroll", update, { passive: true });
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(update);
      observer.observe(frame);
      if (frame.firstElementChild) observer.observe(frame.firstElementChild);
    }
    new MutationObserver(update).observe(frame, { childList: true, attributes: true, attributeFilter: ["data-drawn"] });
    window.addEventListener("resize", update);
    update();
  }

  function init() {
    document.querySelectorAll("div.dt-vega, table.dt-table").forEach(frameScrolls);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
