// The live preview of the broadcast and sequence step editors. As the
// operator types, the form is sent to the server, which renders it as
// every copy is rendered (the Markdown, the reader's variables at their
// defaults, the sanitiser, the layout's text part), and both parts are
// shown beside the form. Without this script the preview follows each
// save.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview]");
  var html = document.getElementById("preview-html");
  var text = document.getElementById("preview-text");
  var problem = document.getElementById("preview-problem");
  if (!form || !html || !text || !problem || !window.fetch) {
    return;
  }
  var endpoint = form.getAttribute("data-preview");
  var timer = null;
  var asked = 0;
  var shown = 0;

  function refresh() {
    var ticket = ++asked;
    fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: new URLSearchParams(new FormData(form)),
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (preview) {
        // An older answer that arrives late does not undo a newer one.
        if (!preview || ticket < shown) {
          return;
        }
        shown = ticket;
        if (preview.problem) {
          problem.textContent = preview.problem;
          problem.hidden = false;
          return;
        }
        problem.hidden = true;
        // Sanitised on the server, as the HTML part of every copy is.
        html.innerHTML = preview.html;
        text.textContent = preview.text;
      })
      .catch(function () {
        // Offline for a moment: the next keystroke tries again.
      });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  });
})();
