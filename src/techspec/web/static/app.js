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
    keepDrafts(form, textarea);
  }

  // -- unsaved text: a prompt before leaving, and a draft kept in this browser ----------
  //
  // The draft of a spec is kept under one key with the revision it was based on; a
  // fresh editor offers it back (based on that revision, so saving it merges it with
  // whatever was saved since).  A save that reaches the spec page clears it.

  var SAVING = "techspec:saving";

  function draftKey(slug) {
    return "techspec:draft:" + slug;
  }

  function readDraft(slug) {
    try {
      var found = JSON.parse(window.localStorage.getItem(draftKey(slug)) || "null");
      return found && typeof found.text === "string" && found.base > 0 ? found : null;
    } catch (error) {
      return null;
    }
  }

  function writeDraft(slug, base, text) {
    try {
      var draft = { base: base, text: text, at: new Date().toISOString() };
      window.localStorage.setItem(draftKey(slug), JSON.stringify(draft));
    } catch (error) {
      // storage full or disabled: the prompt before leaving still guards the text
    }
  }

  function dropDraft(slug) {
    try {
      window.localStorage.removeItem(draftKey(slug));
    } catch (error) {
      // nothing kept
    }
  }

  function clearSavedDraft() {
    var slug = null;
    try {
      slug = window.sessionStorage.getItem(SAVING);
      window.sessionStorage.removeItem(SAVING);
    } catch (error) {
      return;
    }
    if (slug === null || document.getElementById("editor")) {
      return;
    }
    var path = window.location.pathname;
    if (decodeURIComponent(path) === "/specs/" + slug && document.querySelector(".flash")) {
      dropDraft(slug);
    }
  }

  function keepDrafts(form, textarea) {
    var slug = form.getAttribute("data-slug");
    var baseInput = document.getElementById("base");
    if (!slug || !baseInput) {
      return;
    }
    var loaded = textarea.value;
    var loadedBase = baseInput.value;
    var unsaved = form.hasAttribute("data-dirty");
    var leaving = false;
    var timer = null;

    function dirty() {
      return unsaved || textarea.value !== loaded;
    }

    function remember() {
      timer = null;
      if (dirty()) {
        writeDraft(slug, parseInt(baseInput.value, 10), textarea.value);
      } else {
        dropDraft(slug);
      }
    }

    function setBase(value) {
      baseInput.value = String(value);
      var shown = document.getElementById("based-on");
      if (shown) {
        shown.textContent = String(value);
      }
    }

    var draft = form.hasAttribute("data-restore") ? readDraft(slug) : null;
    if (draft && draft.base > parseInt(loadedBase, 10)) {
      draft = null; // a revision this spec never had: not a draft of it
    }
    if (draft && draft.text === loaded) {
      dropDraft(slug); // saved since, by this or another tab
      draft = null;
    }
    if (draft) {
      textarea.value = draft.text;
      setBase(draft.base);
      var note = document.getElementById("draft-note");
      var time = document.getElementById("draft-time");
      var when = new Date(draft.at);
      time.textContent = isNaN(when.getTime()) ? "earlier" : when.toLocaleString();
      time.setAttribute("datetime", draft.at);
      if (String(draft.base) !== loadedBase) {
        document.getElementById("draft-base").textContent = String(draft.base);
        document.getElementById("draft-older").hidden = false;
      }
      note.hidden = false;
      document.getElementById("draft-discard").addEventListener("click", function () {
        textarea.value = loaded;
        setBase(loadedBase);
        dropDraft(slug);
        note.hidden = true;
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      });
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    } else if (unsaved) {
      remember();
    }

    textarea.addEventListener("input", function () {
      if (timer === null) {
        timer = window.setTimeout(remember, 300);
      }
    });
    form.addEventListener("submit", function (event) {
      leaving = true;
      var button = event.submitter;
      if (!button || button.value === "save") {
        remember();
        try {
          window.sessionStorage.setItem(SAVING, slug);
        } catch (error) {
          // the draft then stays until the next save or discard
        }
      }
    });
    document.addEventListener("click", function (event) {
      var discard = event.target.closest("a[data-discard]");
      if (discard) {
        dropDraft(slug);
        leaving = true;
      }
    });
    window.addEventListener("pagehide", function () {
      if (timer !== null) {
        window.clearTimeout(timer);
        remember();
      }
    });
    window.addEventListener("beforeunload", function (event) {
      if (leaving || !dirty()) {
        return;
      }
      if (timer !== null) {
        window.clearTimeout(timer);
        remember();
      }
      event.preventDefault();
      event.returnValue = "";
    });
  }

  function setUp() {
    clearSavedDraft();
    setUpEditor();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
