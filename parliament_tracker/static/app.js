/* Parliament Tracker: progressive enhancement only. Every page works without this file; with it:
 *  - the error summary of a refused form takes the focus (GOV.UK / NL Design System);
 *  - a field with a limit counts its characters as you type;
 *  - the main menu collapses behind a "Menu" button on narrow screens;
 *  - a <select data-combobox> becomes an accessible combobox (ARIA 1.2 combobox + listbox,
 *    chosen items as chips with a remove button) that can also add a name not in the list;
 *  - a page with a form warns before the form's session runs out and offers to stay signed in.
 * Loaded from /static (the CSP allows script-src 'self' only): no inline scripts or handlers.
 * Texts come from data- attributes the server rendered in the user's language.
 */
(function () {
  "use strict";

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (_m, key) {
      return values[key] !== undefined ? String(values[key]) : "";
    });
  }

  /* ---- error summary ---------------------------------------------------------------------- */
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary") || document.querySelector(".date-warning");
    if (summary) {
      // a link to a field behind a combobox goes to the combobox's input
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        if (!link) { return; }
        var target = document.getElementById(link.getAttribute("href").slice(1));
        var stand = target && target.hidden ? document.getElementById(target.id + "-combobox") : null;
        if (stand) {
          event.preventDefault();
          stand.focus();
        }
      });
      summary.focus();
      return;
    }
    var first = document.querySelector("[autofocus]");
    if (first) { first.focus(); }
  }

  /* ---- character count -------------------------------------------------------------------- */
  function initCharacterCounts() {
    var fields = document.querySelectorAll("[data-maxlength]");
    Array.prototype.forEach.call(fields, function (field) {
      var limit = parseInt(field.getAttribute("data-maxlength"), 10);
      var counter = document.getElementById(field.id + "-count");
      if (!limit || !counter) { return; }
      var timer = null;
      counter.setAttribute("aria-live", "polite");
      function update() {
        var left = limit - field.value.length;
        var text = left >= 0
          ? fill(field.getAttribute("data-count-left"), { n: left.toLocaleString(document.documentElement.lang) })
          : fill(field.getAttribute("data-count-over"), { n: (-left).toLocaleString(document.documentElement.lang) });
        counter.textContent = text;
        counter.classList.toggle("over-limit", left < 0);
      }
      field.addEventListener("input", function () {
        // announce once typing pauses, not on every key
        window.clearTimeout(timer);
        timer = window.setTimeout(update, 400);
      });
      update();
    });
  }

  /* ---- collapsing main menu ---------------------------------------------------------------- */
  function initMenu() {
    var nav = document.querySelector(".main-nav");
    if (!nav) { return; }
    var button = nav.querySelector(".menu-toggle");
    var list = nav.querySelector("ul");
    if (!button || !list) { return; }
    nav.classList.add("js-menu");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      list.classList.toggle("open", open);
    });
  }

  /* ---- tables that scroll in their own region ------------------------------------------------ */
  // The region is in the tab order (tabindex=0 from the server, so it scrolls by keyboard without
  // this file); where the table fits, that tab stop is taken away again.
  function initScrollRegions() {
    var regions = document.querySelectorAll(".table-scroll");
    if (!regions.length) { return; }
    function update() {
      Array.prototype.forEach.call(regions, function (region) {
        if (region.scrollWidth > region.clientWidth + 1) {
          region.setAttribute("tabindex", "0");
        } else {
          region.removeAttribute("tabindex");
        }
      });
    }
    var timer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 150);
    });
    update();
  }

  /* ---- combobox ----------------------------------------------------------------------------- */
  var comboboxCount = 0;

  function Combobox(select) {
    comboboxCount += 1;
    var self = this;
    var id = select.id || ("combobox-" + comboboxCount);
    this.select = select;
    this.multiple = select.multiple;
    this.texts = {
      chosen: select.getAttribute("data-combobox-chosen") || "",
      remove: select.getAttribute("data-combobox-remove") || "{name}",
      none: select.getAttribute("data-combobox-none") || "",
      count: select.getAttribute("data-combobox-count") || "{n}",
      add: select.getAttribute("data-combobox-add") || "",
      help: select.getAttribute("data-combobox-help") || ""
    };
    // names typed that are not in the list go, one per line, into this field (multi only)
    this.extra = select.getAttribute("data-combobox-extra") ? document.getElementById(select.getAttribute("data-combobox-extra")) : null;
    this.options = Array.prototype.filter.call(select.options, function (o) { return o.value !== "" && o.value !== "None"; })
      .map(function (o) { return { value: o.value, label: o.textContent.trim(), option: o }; });
    this.active = -1;
    this.shown = [];

    var wrapper = document.createElement("div");
    wrapper.className = "combobox" + (this.multiple ? " combobox-multiple" : "");
    this.wrapper = wrapper;

    if (this.multiple) {
      this.chips = document.createElement("ul");
      this.chips.className = "chips";
      this.chips.id = id + "-chips";
      this.chips.setAttribute("aria-label", this.texts.chosen);
      wrapper.appendChild(this.chips);
    }

    var input = document.createElement("input");
    input.type = "text";
    input.id = id + "-combobox";
    input.className = "combobox-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-listbox");
    input.setAttribute("autocomplete", "off");
    var describedBy = (select.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    var help = document.createElement("span");
    help.className = "hint combobox-help";
    help.id = id + "-help";
    help.textContent = this.texts.help;
    describedBy.push(help.id);
    if (this.multiple) { describedBy.push(this.chips.id); }
    input.setAttribute("aria-describedby", describedBy.join(" "));
    if (select.getAttribute("aria-invalid")) { input.setAttribute("aria-invalid", "true"); }
    this.input = input;

    var listbox = document.createElement("ul");
    listbox.id = id + "-listbox";
    listbox.className = "combobox-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.hidden = true;
    this.listbox = listbox;

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    this.status = status;

    var box = document.createElement("div");
    box.className = "combobox-box";
    box.appendChild(input);
    box.appendChild(listbox);
    wrapper.appendChild(box);
    wrapper.appendChild(help);
    wrapper.appendChild(status);

    // the label names the new input; the select stays in the form (hidden) and is what is posted
    var label = document.querySelector("label[for='" + select.id + "']");
    if (label) {
      label.setAttribute("for", input.id);
      if (!label.id) { label.id = id + "-label"; }
      listbox.setAttribute("aria-labelledby", label.id);
    }
    select.parentNode.insertBefore(wrapper, select.nextSibling);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    if (this.extra) {
      var extraField = this.extra.closest(".field");
      // kept in view when it holds an error, so the error and the text to correct are seen
      if (extraField && !extraField.classList.contains("has-error")) { extraField.hidden = true; }
    }
    if (!this.multiple) {
      var chosen = this.options.filter(function (o) { return o.option.selected; })[0];
      input.value = chosen ? chosen.label : "";
    }
    this.renderChips();

    input.addEventListener("input", function () { self.open(); });
    input.addEventListener("focus", function () { /* the list opens on typing or arrow down */ });
    input.addEventListener("keydown", function (event) { self.onKey(event); });
    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        if (!wrapper.contains(document.activeElement)) { self.close(); self.settleSingle(); }
      }, 150);
    });
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    listbox.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) { self.choose(parseInt(item.getAttribute("data-index"), 10)); }
    });
  }

  Combobox.prototype.extraNames = function () {
    if (!this.extra) { return []; }
    return this.extra.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
  };

  Combobox.prototype.setExtraNames = function (names) {
    if (this.extra) { this.extra.value = names.join("\n"); }
  };

  Combobox.prototype.renderChips = function () {
    if (!this.multiple) { return; }
    var self = this;
    this.chips.textContent = "";
    var chosen = this.options.filter(function (o) { return o.option.selected; });
    chosen.forEach(function (o) { self.addChip(o.label, function () { o.option.selected = false; }); });
    this.extraNames().forEach(function (name) {
      self.addChip(name, function () {
        self.setExtraNames(self.extraNames().filter(function (n) { return n !== name; }));
      });
    });
    this.chips.hidden = this.chips.children.length === 0;
  };

  Combobox.prototype.addChip = function (label, remove) {
    var self = this;
    var li = document.createElement("li");
    li.className = "chip";
    var text = document.createElement("span");
    text.textContent = label;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chip-remove";
    button.setAttribute("aria-label", fill(this.texts.remove, { name: label }));
    button.textContent = "×";
    button.addEventListener("click", function () {
      remove();
      self.renderChips();
      self.announce(fill(self.texts.remove, { name: label }) + " ✓");
      self.input.focus();
    });
    li.appendChild(text);
    li.appendChild(button);
    this.chips.appendChild(li);
  };

  Combobox.prototype.matches = function (query) {
    var q = query.trim().toLocaleLowerCase();
    var self = this;
    var found = this.options.filter(function (o) {
      if (self.multiple && o.option.selected) { return false; }
      return !q || o.label.toLocaleLowerCase().indexOf(q) !== -1;
    }).slice(0, 50).map(function (o) { return { kind: "option", item: o, label: o.label }; });
    if (this.multiple && this.texts.add && q) {
      var exact = this.options.some(function (o) { return o.label.toLocaleLowerCase() === q; })
        || this.extraNames().some(function (n) { return n.toLocaleLowerCase() === q; });
      if (!exact) { found.push({ kind: "new", label: fill(this.texts.add, { name: query.trim() }), name: query.trim() }); }
    }
    return found;
  };

  Combobox.prototype.open = function () {
    var self = this;
    this.shown = this.matches(this.input.value);
    this.listbox.textContent = "";
    this.active = -1;
    this.shown.forEach(function (entry, index) {
      var li = document.createElement("li");
      li.id = self.listbox.id + "-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-index", String(index));
      li.className = entry.kind === "new" ? "combobox-option combobox-new" : "combobox-option";
      li.textContent = entry.label;
      self.listbox.appendChild(li);
    });
    if (this.shown.length === 0) {
      var empty = document.createElement("li");
      empty.className = "combobox-empty";
      empty.setAttribute("role", "option");
      empty.setAttribute("aria-disabled", "true");
      empty.setAttribute("aria-selected", "false");
      empty.textContent = this.texts.none;
      this.listbox.appendChild(empty);
    }
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.input.removeAttribute("aria-activedescendant");
    this.announce(this.shown.length ? fill(this.texts.count, { n: this.shown.length }) : this.texts.none);
  };

  Combobox.prototype.close = function () {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Combobox.prototype.move = function (delta) {
    if (this.listbox.hidden) { this.open(); }
    if (!this.shown.length) { return; }
    this.active = (this.active + delta + this.shown.length) % this.shown.length;
    var items = this.listbox.querySelectorAll("[role=option]");
    for (var i = 0; i < items.length; i++) {
      var on = i === this.active;
      items[i].setAttribute("aria-selected", on ? "true" : "false");
      items[i].classList.toggle("active", on);
      if (on) {
        this.input.setAttribute("aria-activedescendant", items[i].id);
        if (items[i].scrollIntoView) { items[i].scrollIntoView({ block: "nearest" }); }
      }
    }
  };

  Combobox.prototype.choose = function (index) {
    var entry = this.shown[index];
    if (!entry) { return; }
    if (entry.kind === "new") {
      this.setExtraNames(this.extraNames().concat([entry.name]));
      this.announce(entry.label + " ✓");
    } else if (this.multiple) {
      entry.item.option.selected = true;
      this.announce(entry.label + " ✓");
    } else {
      this.select.value = entry.item.value;
      this.input.value = entry.item.label;
      this.select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (this.multiple) {
      this.input.value = "";
      this.renderChips();
    }
    this.close();
  };

  // a single choice typed but not chosen: an exact name is taken, an emptied field clears it
  Combobox.prototype.settleSingle = function () {
    if (this.multiple) { return; }
    var typed = this.input.value.trim().toLocaleLowerCase();
    if (!typed) { this.select.value = this.select.options[0] ? this.select.options[0].value : ""; return; }
    var exact = this.options.filter(function (o) { return o.label.toLocaleLowerCase() === typed; })[0];
    if (exact) { this.select.value = exact.value; this.input.value = exact.label; return; }
    var current = this.options.filter(function (o) { return o.option.selected; })[0];
    this.input.value = current ? current.label : "";
  };

  Combobox.prototype.onKey = function (event) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (event.altKey) { this.open(); } else { this.move(1); }
        break;
      case "ArrowUp":
        event.preventDefault();
        this.move(-1);
        break;
      case "Enter":
        if (!this.listbox.hidden && this.active >= 0) {
          event.preventDefault();  // Enter chooses; it does not submit the form
          this.choose(this.active);
        } else if (!this.listbox.hidden && this.input.value.trim() && this.shown.length === 1) {
          event.preventDefault();
          this.choose(0);
        }
        break;
      case "Escape":
        if (!this.listbox.hidden) {
          event.preventDefault();
          this.close();
        } else if (this.multiple) {
          this.input.value = "";
        }
        break;
      case "Backspace":
        if (this.multiple && !this.input.value && this.chips.lastElementChild) {
          // the last chip's remove button, so the removal is a visible, announced step
          this.chips.lastElementChild.querySelector("button").focus();
          event.preventDefault();
        }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  };

  Combobox.prototype.announce = function (text) {
    var status = this.status;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  };

  function initComboboxes() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-combobox]"), function (select) {
      new Combobox(select);  // eslint-disable-line no-new
    });
  }

  /* ---- session expiry warning ---------------------------------------------------------------- */
  function initSessionWarning() {
    var body = document.body;
    var lifetime = parseInt(body.getAttribute("data-session-seconds") || "0", 10);
    var warnBefore = parseInt(body.getAttribute("data-session-warn-seconds") || "0", 10);
    var url = body.getAttribute("data-keepalive-url");
    var box = document.getElementById("session-warning");
    // only where something is being typed: a posted form in the page's main part
    var forms = document.querySelectorAll("main form[method=post], main form[method=POST]");
    if (!lifetime || !url || !box || forms.length === 0) { return; }
    var text = document.getElementById("session-warning-text");
    var button = document.getElementById("session-keepalive");
    var deadline = 0;
    var timer = null;
    var ended = false;

    function schedule(seconds) {
      deadline = Date.now() + seconds * 1000;
      ended = false;
      window.clearTimeout(timer);
      timer = window.setTimeout(tick, Math.max(0, (seconds - warnBefore) * 1000));
    }

    function tick() {
      var left = Math.round((deadline - Date.now()) / 1000);
      box.hidden = false;
      if (left <= 0) {
        ended = true;
        text.textContent = box.getAttribute("data-text-ended");
        button.hidden = true;
        return;
      }
      var minutes = Math.max(1, Math.ceil(left / 60));
      var message = fill(box.getAttribute("data-text-soon"), { n: minutes });
      if (text.textContent !== message) { text.textContent = message; }
      button.hidden = false;
      timer = window.setTimeout(tick, Math.min(left, 30) * 1000);
    }

    function token() {
      var field = document.querySelector("input[name=csrf_token]");
      return field ? field.value : "";
    }

    button.addEventListener("click", function () {
      if (ended) { return; }
      var request = new XMLHttpRequest();
      request.open("POST", url);
      request.setRequestHeader("X-CSRFToken", token());
      request.setRequestHeader("Accept", "application/json");
      request.onload = function () {
        if (request.status === 200) {
          var answer = JSON.parse(request.responseText);
          Array.prototype.forEach.call(document.querySelectorAll("input[name=csrf_token]"), function (field) {
            field.value = answer.csrf_token;
          });
          text.textContent = box.getAttribute("data-text-kept");
          button.hidden = true;
          schedule(answer.seconds || lifetime);
          window.setTimeout(function () { if (!ended && button.hidden) { box.hidden = true; } }, 10000);
        } else {
          text.textContent = box.getAttribute("data-text-failed");
        }
      };
      request.onerror = function () { text.textContent = box.getAttribute("data-text-failed"); };
      request.send();
    });
    schedule(lifetime);
  }

  /* ---- earlier answers at the answer field (answers package) -------------------------------
   * "Use" copies the answer into the field (the question answered on its own) and names its
   * source in a hidden field the letter's save records; the search box fetches the hits
   * without leaving the editor. Without this, "use" and the search lead to the question's
   * page, whose button saves the answer. */
  function initAnswerAssist() {
    var editor = document.querySelector("form.letter-form");
    if (!editor || !document.querySelector(".answer-assist")) { return; }
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-use-source]");
      if (!link) { return; }
      var number = link.getAttribute("data-use-number");
      var field = document.getElementById("answer-" + number);
      if (!field) { return; }
      event.preventDefault();
      field.value = link.getAttribute("data-use-text");
      var mode = document.getElementById("mode-" + number);
      if (mode) { mode.value = "own"; }
      var name = "answer-source-" + number;
      var hidden = editor.querySelector("input[name='" + name + "']");
      if (!hidden) {
        hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = name;
        editor.appendChild(hidden);
      }
      hidden.value = link.getAttribute("data-use-source");
      var note = document.getElementById("use-note-" + number);
      if (note) {
        note.textContent = link.getAttribute("data-use-note");
        note.hidden = false;
      }
      field.focus();
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-answers-search]"), function (form) {
      form.addEventListener("submit", function (event) {
        var number = form.getAttribute("data-answers-search");
        var target = document.querySelector("[data-assist-hits='" + number + "']");
        var input = document.getElementById("answers-q-" + number);
        if (!target || !input) { return; }
        event.preventDefault();
        var request = new XMLHttpRequest();
        request.open("GET", form.getAttribute("action") + "?partial=1&q=" + encodeURIComponent(input.value));
        request.onload = function () {
          if (request.status === 200) { target.innerHTML = request.responseText; } else { form.submit(); }
        };
        request.onerror = function () { form.submit(); };
        request.send();
      });
    });
  }

  function start() {
    initMenu();
    initScrollRegions();
    initComboboxes();
    initCharacterCounts();
    initSessionWarning();
    initAnswerAssist();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
