// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Forms marked data-confirm ask before they go. The server asks for a
  // typed reason as well, so this is a second look, not the only guard.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  });

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    // A form that came back with errors: move focus to the list of them.
    var summary = document.querySelector("[data-focus]");
    if (summary) { summary.focus(); }

    // Character counters next to texts with a limit.
    document.querySelectorAll("[data-counter-for]").forEach(function (out) {
      var field = document.getElementById(out.getAttribute("data-counter-for"));
      if (!field) { return; }
      var limit = parseInt(field.getAttribute("data-count"), 10);
      // What the platform adds to a text: the newsroom link as it counts it.
      var extra = parseInt(field.getAttribute("data-count-extra") || "0", 10);
      var update = function () {
        var n = Array.from(field.value.trim()).length;
        if (n > 0) { n += extra; }
        var lang = document.documentElement.lang || "en";
        out.textContent = n.toLocaleString(lang) + " / " + limit.toLocaleString(lang);
        out.classList.toggle("over", n > limit);
      };
      field.addEventListener("input", update);
      update();
    });

    // Copy buttons (a manual channel's ready text): shown only with a
    // script; without one the text is selected by hand from its box. The
    // note's word ("Copied.") comes from the page, in the reader's language.
    document.querySelectorAll("[data-copy]").forEach(function (btn) {
      var field = document.getElementById(btn.getAttribute("data-copy"));
      var note = document.querySelector('[data-copied="' + btn.getAttribute("data-copy") + '"]');
      if (!field || !navigator.clipboard) { return; }
      btn.hidden = false;
      btn.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          if (note) { note.textContent = note.getAttribute("data-copied-text") || ""; }
        });
      });
    });

    // The channel form shows the settings of the chosen kind only.
    var kindForm = document.querySelector("[data-kind-form]");
    if (kindForm) {
      var showKind = function () {
        var checked = kindForm.querySelector("input[name=kind]:checked");
        kindForm.querySelectorAll("[data-kind]").forEach(function (fs) {
          fs.hidden = !checked || fs.getAttribute("data-kind") !== checked.value;
        });
      };
      kindForm.addEventListener("change", showKind);
      showKind();
    }

    audienceCount();
    postPreviews();
    live();
  });

  // Each channel's post preview follows its text (or the summary, when the
  // text is empty) as the author types. The count comes from the server,
  // which counts as the platform does (a link as 23 on X, emoji as 2 …):
  // one rule, not a second one in this file.
  function postPreviews() {
    var form = document.querySelector("[data-announcement]");
    if (!form || !window.fetch) { return; }
    var summary = document.getElementById("summary"), title = document.getElementById("title");
    form.querySelectorAll("[data-post-preview]").forEach(function (fig) {
      var id = fig.getAttribute("data-post-preview");
      var field = document.getElementById("text_" + id);
      var text = fig.querySelector("[data-post-text]"), count = fig.querySelector("[data-post-count]");
      var counter = document.querySelector('[data-counter-for="text_' + id + '"]');
      if (!field || !text || !count) { return; }
      var timer = null, asked = 0;
      var ask = function () {
        var n = ++asked;
        fetch("/api/v1/channels/" + encodeURIComponent(id) + "/preview", {
          method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
          body: JSON.stringify({text: field.value, summary: summary ? summary.value : "", title: title ? title.value : "",
            announcement_id: form.getAttribute("data-announcement")})
        }).then(function (r) { return r.ok ? r.json() : null; }).then(function (p) {
          if (!p || n !== asked) { return; }
          text.textContent = p.text;
          // The words come with the page, in its language.
          var lang = document.documentElement.lang || "en";
          count.textContent = p.count.toLocaleString(lang) +
            (p.limit ? " " + count.getAttribute("data-of") + " " + p.limit.toLocaleString(lang) : "") +
            count.getAttribute("data-counted") + (p.over ? count.getAttribute("data-over") : "");
          count.classList.toggle("over", p.over);
          if (counter && p.limit) {
            counter.textContent = p.count.toLocaleString(lang) + " / " + p.limit.toLocaleString(lang);
            counter.classList.toggle("over", p.over);
          }
        }).catch(function () { /* the preview stays as the server last drew it */ });
      };
      var later = function () {
        text.textContent = (field.value.trim() || (summary ? summary.value.trim() : ""));
        clearTimeout(timer);
        timer = setTimeout(ask, 250);
      };
      field.addEventListener("input", later);
      if (summary) { summary.addEventListener("input", later); }
    });
  }

  // The editor's audience count follows the boxes as they are ticked: the
  // form goes as its "Update count" button sends it (nothing is saved) and
  // the count is taken from the answer. Without JavaScript the button does
  // the same.
  function audienceCount() {
    var aud = document.getElementById("audience");
    var form = aud && aud.closest("form");
    if (!form || !window.fetch || !window.URLSearchParams) { return; }
    var timer = null;
    var recount = function () {
      var data = new FormData(form);
      data.set("action", "count");
      fetch(form.getAttribute("action"), { method: "POST", body: new URLSearchParams(data), credentials: "same-origin" })
        .then(function (res) {
          if (!res.ok) { throw new Error(res.status); }
          return res.text();
        }).then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector('[data-live="count"]');
          var box = aud.querySelector('[data-live="count"]');
          if (fresh && box) { box.innerHTML = fresh.innerHTML; }
        }).catch(function () { /* the button still counts */ });
    };
    var later = function (ms) { clearTimeout(timer); timer = setTimeout(recount, ms); };
    aud.addEventListener("change", function () { later(150); });
    aud.addEventListener("input", function (e) { if (e.target.tagName === "TEXTAREA") { later(600); } });
  }

  // The readiness dashboard keeps itself current: it polls the readiness
  // API, writes the numbers and the department bars, and when something
  // moved it fetches the page again and swaps the parts marked data-live
  // (never a part with a form someone may be typing in).
  function live() {
    var root = document.querySelector("[data-live-root]");
    if (!root || root.hasAttribute("data-poll-off") || !window.fetch) { return; }
    var url = root.getAttribute("data-poll");
    var every = parseInt(root.getAttribute("data-interval"), 10) || 5000;
    var last = null;
    // Numbers and shares as the server writes them in the page's language:
    // 1,200 and 85% in English, 1.200 and 85 % in German.
    var german = document.documentElement.lang === "de";
    var num = function (n) { return Number(n).toLocaleString(german ? "de-DE" : "en-US"); };
    var pct = function (f) { return num(Math.floor(f * 100 + 1e-9)) + (german ? "\u00a0%" : "%"); };
    var width = function (f) { return String(Math.max(0, Math.min(100, f * 100)).toFixed(1)); };
    var set = function (scope, sel, text) {
      var el = scope.querySelector(sel);
      if (el && el.textContent !== text) { el.textContent = text; }
    };
    var bars = function (scope, read, ack) {
      var r = scope.querySelector("[data-bar=read]"), a = scope.querySelector("[data-bar=ack]");
      if (r) { r.setAttribute("width", width(read)); }
      if (a) { a.setAttribute("width", width(ack)); }
    };
    var apply = function (r) {
      set(root, "[data-r=recipients]", num(r.recipients));
      var departed = root.querySelector("[data-r=departed]");
      if (departed) { set(root, "[data-r=departed]", num(r.departed || 0) + " " + departed.getAttribute("data-unit")); }
      set(root, "[data-r=read]", num(r.read));
      set(root, "[data-r=acknowledged]", num(r.acknowledged));
      set(root, "[data-r=read_ratio]", pct(r.read_ratio));
      set(root, "[data-r=ack_ratio]", pct(r.ack_ratio));
      var overall = root.querySelector("[data-overall]");
      if (overall) { bars(overall, r.read_ratio, r.ack_ratio); }
      (r.departments || []).forEach(function (d) {
        root.querySelectorAll("[data-dept]").forEach(function (li) {
          if (li.getAttribute("data-dept") !== d.department) { return; }
          set(li, "[data-d=ack_ratio]", pct(d.ack_ratio));
          set(li, "[data-d=read_ratio]", pct(d.read_ratio));
          set(li, "[data-d=acknowledged]", num(d.acknowledged));
          bars(li, d.read_ratio, d.ack_ratio);
        });
      });
    };
    var refresh = function () {
      return fetch(window.location.href, { credentials: "same-origin" }).then(function (res) {
        if (!res.ok) { throw new Error(res.status); }
        return res.text();
      }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (el) {
          var fresh = doc.querySelector('[data-live="' + el.getAttribute("data-live") + '"]');
          if (fresh && !el.contains(document.activeElement)) { el.innerHTML = fresh.innerHTML; }
        });
      });
    };
    var tick = function () {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (res) {
        if (!res.ok) { throw new Error(res.status); }
        return res.json();
      }).then(function (r) {
        apply(r);
        var key = [r.state, r.read, r.acknowledged, r.unanswered_questions].join("/");
        if (last !== null && key !== last) { refresh(); }
        last = key;
      }).catch(function () { /* offline for a moment: the next tick tries again */ });
    };
    tick();
    setInterval(tick, every);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { tick(); } });
  }
})();
