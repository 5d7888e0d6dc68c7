// Copy buttons: a button with data-copy="ID" copies the value of the
// input with that ID. The buttons are hidden until this script shows them,
// so that without JavaScript the readonly input (select and copy by hand)
// is all there is.
"use strict";
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var input = document.getElementById(button.dataset.copy);
  if (!input || !navigator.clipboard) {
    return;
  }
  var label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 2000);
    }, function () {
      input.select();
    });
  });
});

// The dashboard's filters. Every filter is a plain GET form that works
// without JavaScript (its Apply button); with it, a changed filter loads
// the filtered page in place: the new page's <main> replaces this one's
// and the address bar follows, so links and Back keep working.
document.documentElement.classList.add("js");
function loadInPlace(url) {
  fetch(url, { credentials: "same-origin" }).then(function (res) {
    if (!res.ok || !res.headers.get("Content-Type").startsWith("text/html")) {
      throw new Error(res.status);
    }
    return res.text();
  }).then(function (html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var main = doc.getElementById("main");
    if (!main) {
      throw new Error("no main");
    }
    document.getElementById("main").replaceWith(main);
    document.title = doc.title;
    history.pushState(null, "", url);
    bindFilters();
  }).catch(function () {
    window.location.href = url; // fall back to a full load
  });
}
function bindFilters() {
  document.querySelectorAll("form[data-live]").forEach(function (form) {
    form.querySelectorAll("[data-autosubmit]").forEach(function (input) {
      input.addEventListener("change", function () {
        var params = new URLSearchParams(new FormData(form));
        if (input.name === "seg") {
          params.delete("segv"); // the values belong to the old attribute
        }
        loadInPlace(window.location.pathname + "?" + params.toString());
      });
    });
  });
}
bindFilters();
window.addEventListener("popstate", function () { window.location.reload(); });
// The language menu saves at once.
document.querySelectorAll("form.language [data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
// Keyboard shortcuts: "/" focuses the search; the section links carry
// accesskey (d, r, a).
document.addEventListener("keydown", function (e) {
  var tag = (e.target.tagName || "").toLowerCase();
  if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || tag === "input" || tag === "textarea" || tag === "select") {
    return;
  }
  var search = document.querySelector("[data-shortcut='/']");
  if (search) {
    e.preventDefault();
    search.focus();
  }
});
