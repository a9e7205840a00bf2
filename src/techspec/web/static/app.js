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
  // A person's draft of a spec is kept under one key (theirs and the spec's) with the
  // revision it was based on; a fresh editor offers it back (based on that revision, so
  // saving it merges it with whatever was saved since).  A save that reaches the spec
  // page clears it.

  var SAVING = "techspec:saving";

  function storageKey(key) {
    return "techspec:draft:" + key;
  }

  function readDraft(key) {
    try {
      var found = JSON.parse(window.localStorage.getItem(storageKey(key)) || "null");
      return found && typeof found.text === "string" && found.base > 0 ? found : null;
    } catch (error) {
      return null;
    }
  }

  function writeDraft(key, base, text) {
    try {
      var draft = { base: base, text: text, at: new Date().toISOString() };
      window.localStorage.setItem(storageKey(key), JSON.stringify(draft));
    } catch (error) {
      // storage full or disabled: the prompt before leaving still guards the text
    }
  }

  function dropDraft(key) {
    try {
      window.localStorage.removeItem(storageKey(key));
    } catch (error) {
      // nothing kept
    }
  }

  function clearSavedDraft() {
    var saving = null;
    try {
      saving = JSON.parse(window.sessionStorage.getItem(SAVING) || "null");
      window.sessionStorage.removeItem(SAVING);
    } catch (error) {
      return;
    }
    if (!saving || document.getElementById("editor")) {
      return; // back in the editor: the save did not happen
    }
    var path = decodeURIComponent(window.location.pathname);
    if (path === "/specs/" + saving.slug && document.querySelector(".flash")) {
      dropDraft(saving.key);
    }
  }

  function keepDrafts(form, textarea) {
    var slug = form.getAttribute("data-slug");
    var key = form.getAttribute("data-user") + "/" + slug;
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
        writeDraft(key, parseInt(baseInput.value, 10), textarea.value);
      } else {
        dropDraft(key);
      }
    }

    function setBase(value) {
      baseInput.value = String(value);
      var shown = document.getElementById("based-on");
      if (shown) {
        shown.textContent = String(value);
      }
    }

    var draft = form.hasAttribute("data-restore") ? readDraft(key) : null;
    if (draft && draft.base > parseInt(loadedBase, 10)) {
      draft = null; // a revision this spec never had: not a draft of it
    }
    if (draft && draft.text === loaded) {
      dropDraft(key); // saved since, by this or another tab
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
        dropDraft(key);
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
          window.sessionStorage.setItem(SAVING, JSON.stringify({ slug: slug, key: key }));
        } catch (error) {
          // the draft then stays until the next save or discard
        }
      }
    });
    document.addEventListener("click", function (event) {
      var discard = event.target.closest("a[data-discard]");
      if (discard) {
        dropDraft(key);
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

  // A refused step (a submit with unmet gates) answers the spec page to its POST: show
  // the page's own address, so a reload or a copied link reads the spec again.
  function showOwnAddress() {
    var page = document.querySelector("[data-location]");
    var own = page && page.getAttribute("data-location");
    if (own && own.charAt(0) === "/" && window.location.pathname !== own) {
      window.history.replaceState(null, "", own);
    }
  }

  function setUp() {
    showOwnAddress();
    clearSavedDraft();
    setUpEditor();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
