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
