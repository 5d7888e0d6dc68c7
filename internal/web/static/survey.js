// Progressive enhancement of the survey form; the page works without it.
//
// 1. The follow-up question changes to the wording of the chosen score's
//    category (its texts are in data attributes of #followup).
// 2. On a one-click page (the form has data-autopost) the preselected
//    score is sent at once, with keepalive so that it arrives even when
//    the tab is closed right away. The server treats this request as
//    weaker than pressing Save: see the comment in internal/web/survey.go.
(function () {
  "use strict";
  var form = document.querySelector("form.survey");
  if (!form) return;
  var followup = document.getElementById("followup");

  function category(score) {
    if (score >= 9) return "promoter";
    if (score >= 7) return "passive";
    return "detractor";
  }

  form.addEventListener("change", function (e) {
    var t = e.target;
    if (t.name === "score" && followup) {
      followup.textContent = followup.getAttribute("data-" + category(+t.value));
    }
  });

  var url = form.getAttribute("data-autopost");
  if (!url) return;
  var body = new URLSearchParams();
  body.set("lang", form.elements.lang ? form.elements.lang.value : "");
  fetch(url, {
    method: "POST",
    body: body,
    keepalive: true,
    credentials: "omit",
    headers: { "Content-Type": "application/x-www-form-urlencoded" }
  }).then(function (res) {
    var notice = document.getElementById("notice");
    if (res.status === 204 && notice) {
      notice.textContent = form.getAttribute("data-saved");
      notice.hidden = false;
    }
  }, function () {});
})();
