// techspec review threads: start a thread on text selected in the rendered spec, and
// mark each open thread's quote in the text.  No framework, no inline script (the CSP
// allows only /static files); without this file the Discussion form still works.
(function () {
  "use strict";

  var MARKUP = /[*_`~]/g;
  var SPACE = /\s+/g;

  function plain(text) {
    return text.replace(MARKUP, "").replace(SPACE, " ").trim();
  }

  function headings(body) {
    return body.querySelectorAll("h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]");
  }

  // The heading the node sits under: the last heading before it in document order.
  function headingBefore(body, node) {
    var found = null;
    var list = headings(body);
    for (var i = 0; i < list.length; i += 1) {
      var where = list[i].compareDocumentPosition(node);
      if (list[i] === node || list[i].contains(node) || where & Node.DOCUMENT_POSITION_FOLLOWING) {
        found = list[i];
      } else {
        break;
      }
    }
    return found;
  }

  function sectionOption(select, anchor) {
    for (var i = 0; i < select.options.length; i += 1) {
      if (select.options[i].getAttribute("data-anchor") === anchor) {
        return select.options[i];
      }
    }
    return null;
  }

  function setUpSelection(body, box) {
    var form = box.querySelector("form");
    var select = form.querySelector("select[name=section]");
    var quote = form.querySelector("textarea[name=quote]");
    var text = form.querySelector("textarea[name=body]");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button primary small selection-comment";
    button.textContent = "Comment on selection";
    button.hidden = true;
    document.body.appendChild(button);
    var pending = null;

    function hide() {
      button.hidden = true;
      pending = null;
    }

    document.addEventListener("mouseup", function (event) {
      if (event.target === button) {
        return;
      }
      window.setTimeout(function () {
        var selection = window.getSelection();
        if (!selection || selection.isCollapsed || !selection.rangeCount) {
          hide();
          return;
        }
        var range = selection.getRangeAt(0);
        if (!body.contains(range.commonAncestorContainer)) {
          hide();
          return;
        }
        var heading = headingBefore(body, range.startContainer);
        var option = heading ? sectionOption(select, heading.id) : null;
        var chosen = selection.toString();
        if (!option || !chosen.trim()) {
          hide();
          return;
        }
        pending = { section: option.value, quote: chosen.trim() };
        var rect = range.getBoundingClientRect();
        button.style.top = window.scrollY + rect.bottom + 6 + "px";
        button.style.left = window.scrollX + rect.left + "px";
        button.hidden = false;
      }, 0);
    });

    button.addEventListener("click", function () {
      if (!pending) {
        return;
      }
      select.value = pending.section;
      quote.value = pending.quote;
      box.open = true;
      hide();
      box.scrollIntoView({ block: "center" });
      text.focus();
    });
  }

  function setUpKinds(box) {
    var radios = box.querySelectorAll("input[name=kind]");
    function update() {
      var chosen = box.querySelector("input[name=kind]:checked");
      box.classList.toggle("suggesting", !!chosen && chosen.value === "suggestion");
    }
    for (var i = 0; i < radios.length; i += 1) {
      radios[i].addEventListener("change", update);
    }
    update();
  }

  // Wrap the first occurrence of ``wanted`` (as the page reads it) that lies inside one
  // text node of the section under ``heading`` in a <mark>.
  function markQuote(body, heading, wanted, thread) {
    var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    var node = null;
    walker.currentNode = heading;
    while ((node = walker.nextNode())) {
      var holder = node.parentNode;
      if (!heading.contains(node) && holder.closest("h1, h2, h3, h4, h5, h6")) {
        return false; // the next section begins
      }
      var start = node.nodeValue.indexOf(wanted);
      if (start < 0) {
        continue;
      }
      var range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + wanted.length);
      var mark = document.createElement("mark");
      mark.className = "thread-anchor " + thread.className.split(" ")[1];
      mark.setAttribute("data-thread", thread.getAttribute("data-thread"));
      mark.title = "Thread #" + thread.getAttribute("data-thread");
      range.surroundContents(mark);
      return true;
    }
    return false;
  }

  function markAnchors(body) {
    var cards = document.querySelectorAll("article.thread.open:not(.outdated)[data-quote]");
    for (var i = 0; i < cards.length; i += 1) {
      var card = cards[i];
      var wanted = plain(card.getAttribute("data-quote") || "");
      var heading = document.getElementById(card.getAttribute("data-anchor") || "");
      if (wanted && heading && body.contains(heading)) {
        markQuote(body, heading, wanted, card);
      }
    }
    body.addEventListener("click", function (event) {
      var mark = event.target.closest("mark.thread-anchor");
      if (!mark) {
        return;
      }
      var card = document.getElementById("thread-" + mark.getAttribute("data-thread"));
      if (card) {
        card.scrollIntoView({ block: "center" });
        card.classList.add("flash");
        window.setTimeout(function () { card.classList.remove("flash"); }, 1500);
      }
    });
  }

  function start() {
    var body = document.querySelector(".doc .spec-body");
    if (!body) {
      return;
    }
    markAnchors(body);
    var box = document.getElementById("new-thread-box");
    if (box) {
      setUpKinds(box);
      setUpSelection(body, box);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
