// techspec web UI: small enhancements; every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function selectLine(textarea, line) {
    var lines = textarea.value.split("\n");
    var number = Math.max(1, Math.min(line, lines.length));
    var start = 0;
    for (var i = 0; i < number - 1; i += 1) {
      start += lines[i].length + 1;
    }
    textarea.focus();
    textarea.setSelectionRange(start, start + lines[number - 1].length);
    var height = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (number - 4) * height);
  }

  function setUpEditor() {
    var textarea = document.getElementById("text");
    var form = document.getElementById("editor");
    if (!textarea || !form) {
      return;
    }
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a.line-link[data-line]");
      if (!link) {
        return;
      }
      event.preventDefault();
      selectLine(textarea, parseInt(link.getAttribute("data-line"), 10));
    });
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "s") {
        event.preventDefault();
        form.querySelector('button[value="save"]').click();
      }
    });
    var wanted = parseInt(new URLSearchParams(window.location.search).get("line") || "", 10);
    if (wanted > 0) {
      selectLine(textarea, wanted);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpEditor);
  } else {
    setUpEditor();
  }
})();
