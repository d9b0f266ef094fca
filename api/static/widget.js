/* aclara chat widget. One tag embeds it (README, "Embed on your site"):
 *   <script src="https://HOST/widget.js" data-lang="es" data-title="..." data-color="#0b6e4f"
 *           data-position="right" data-target="#chat" async></script>
 * It talks only to HOST, keeps its session id in sessionStorage only, renders every text as text,
 * and lives in a Shadow DOM so that the host page's CSS and its own cannot meet.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var BASE = new URL(script.src, location.href).origin;
  var KEY = "aclara.session:" + BASE;
  var DEFAULT_COLOR = "#1a56db";
  var attr = function (name) { return (script.getAttribute("data-" + name) || "").trim(); };
  var config = {
    lang: attr("lang"),
    title: attr("title"),
    color: accessibleColor(attr("color")),
    left: attr("position") === "left",
    target: attr("target")
  };

  // ---- colour: darken data-color until white text on it (and it as text on white) reaches 4.5:1
  function parseColor(value) {
    var m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value);
    if (!m) return null;
    var h = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
  }
  function luminance(rgb) {
    var w = [0.2126, 0.7152, 0.0722];
    return rgb.reduce(function (sum, v, i) {
      v /= 255;
      return sum + w[i] * (v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    }, 0);
  }
  function accessibleColor(value) {
    var rgb = parseColor(value) || parseColor(DEFAULT_COLOR);
    while (1.05 / (luminance(rgb) + 0.05) < 4.5) {
      rgb = rgb.map(function (v) { return Math.floor(v * 0.9); });
    }
    return "#" + rgb.map(function (v) { return (v < 16 ? "0" : "") + v.toString(16); }).join("");
  }

  // ---- storage: sessionStorage only, and a page that forbids it still gets a working chat
  var memory = {};
  var store = {
    get: function () { try { return sessionStorage.getItem(KEY); } catch (e) { return memory[KEY] || null; } },
    set: function (v) { try { sessionStorage.setItem(KEY, v); } catch (e) { memory[KEY] = v; } },
    remove: function () { try { sessionStorage.removeItem(KEY); } catch (e) { delete memory[KEY]; } }
  };

  function api(path, options) {
    options = options || {};
    options.credentials = "omit";
    options.mode = "cors";
    options.referrerPolicy = "no-referrer";
    return fetch(BASE + path, options).then(function (res) {
      if (!res.ok) { var err = new Error("HTTP " + res.status); err.status = res.status; throw err; }
      return res.status === 204 ? null : res.json();
    });
  }

  var CSS = [
    ":host{all:initial!important;display:block!important}",
    ".root{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a;text-align:start}",
    ".root *{box-sizing:border-box}",
    ".floating{position:fixed;bottom:1rem;right:1rem;z-index:2147483000}",
    ".floating.left{right:auto;left:1rem}",
    ".launcher{width:3.5rem;height:3.5rem;border-radius:50%;padding:0;display:flex;align-items:center;",
    "justify-content:center;background:var(--accent);color:#fff;border:2px solid #fff;",
    "box-shadow:0 2px 8px rgba(0,0,0,.35)}",
    ".launcher svg{width:1.75rem;height:1.75rem;fill:currentColor}",
    ".panel{display:flex;flex-direction:column;background:#fff;border:1px solid #767676;border-radius:.75rem;",
    "overflow:hidden}",
    ".panel[hidden]{display:none}",
    ".floating .panel{position:absolute;bottom:4.5rem;right:0;width:min(24rem,calc(100vw - 2rem));",
    "height:min(38rem,calc(100vh - 6.5rem));box-shadow:0 4px 24px rgba(0,0,0,.3)}",
    ".floating.left .panel{right:auto;left:0}",
    ".inline .panel{min-height:min(36rem,100vh);height:100%}",
    "header{display:flex;align-items:center;gap:.5rem;padding:.5rem .75rem;background:var(--accent);color:#fff}",
    "h2{font-size:1.05rem;line-height:1.3;margin:0;flex:1;font-weight:600}",
    "header button{background:transparent;color:#fff;border-color:#fff}",
    "header :focus-visible{outline-color:#fff}",
    ".bar{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem;padding:.5rem .75rem;border-bottom:1px solid #d4d4d4}",
    ".bar label{font-size:.9rem}",
    "select{font:inherit;font-size:.95rem;max-width:10rem;padding:.25rem;border:1px solid #767676;border-radius:.4rem;",
    "background:#fff;color:#1a1a1a}",
    ".scroll{flex:1;overflow-y:auto;position:relative}",
    ".privacy{margin:.5rem .75rem 0;padding:.4rem .75rem;font-size:.875rem;border:1px solid #d4d4d4;border-radius:.5rem}",
    ".privacy p{margin:.2rem 0}",
    ".privacy[hidden]{display:none}",
    "ol{list-style:none;margin:0;padding:.25rem .75rem}",
    "li{margin:.5rem 0;padding:.6rem .75rem;border-radius:.5rem;background:#f4f4f5;white-space:pre-wrap;",
    "overflow-wrap:anywhere}",
    "li.user{background:#e8eefc;margin-inline-start:2rem}",
    "li.error{background:#fff;border:1px solid #b00020}",
    "li.typing{font-style:italic;color:#444}",
    "li p{margin:.4rem 0 0}",
    ".meta{font-size:.85rem;color:#444}",
    ".sources a{display:block;unicode-bidi:isolate;width:fit-content}",
    ".notice{color:#8a1c00}",
    ".choices{display:flex;flex-wrap:wrap;gap:.3rem;margin-top:.4rem}",
    "form{display:flex;gap:.4rem;padding:.5rem .75rem;border-top:1px solid #d4d4d4}",
    "input{flex:1;min-width:0;font:inherit;padding:.45rem;border:1px solid #767676;border-radius:.4rem;color:#1a1a1a}",
    "button{font:inherit;font-size:.95rem;cursor:pointer;border-radius:.4rem;padding:.3rem .7rem;",
    "border:1px solid var(--accent);background:#fff;color:var(--accent)}",
    "button.primary{background:var(--accent);color:#fff}",
    "button.link{border:0;padding:0;background:none;text-decoration:underline;font-size:inherit}",
    "a{color:var(--accent)}",
    ":focus-visible{outline:3px solid var(--accent);outline-offset:2px}",
    ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (max-width:30rem){.floating .panel{position:fixed;top:.5rem;left:.5rem;right:.5rem;bottom:5rem;",
    "width:auto;height:auto}}"
  ].join("");

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "text") node.textContent = props[k];
      else if (k === "class") node.className = props[k];
      else node.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }
  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }
  function safeUrl(url) {
    return /^https?:\/\//i.test(url) ? url : /^\/(?!\/)/.test(url) ? BASE + url : null;
  }
  function link(text, url) {
    return el("a", { text: text, href: url, rel: "noopener noreferrer", target: "_blank" });
  }
  // Answers may contain [label](https://...) links: built as elements, never parsed as HTML.
  function richText(parent, text) {
    var re = /\[([^\]]+)\]\(([^)\s]+)\)/g, last = 0, m;
    while ((m = re.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var url = safeUrl(m[2]);
      parent.appendChild(url ? link(m[1], url) : document.createTextNode(m[1]));
      last = re.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function Widget(host, labels, languages) {
    var self = this;
    this.labels = labels;
    this.chosen = null;
    this.inline = !!config.target;
    var shadow = host.attachShadow({ mode: "open" });
    if (shadow.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      shadow.appendChild(el("style", { text: CSS }));
    }
    var ui = this.ui = {};
    ui.title = el("h2", { id: "title" });
    ui.close = el("button", { type: "button", id: "close" }, [document.createTextNode("\u00d7")]);
    ui.langLabel = el("label", { for: "lang", id: "lang-label" });
    ui.select = el("select", { id: "lang" });
    ui.menu = el("button", { type: "button", id: "menu" });
    ui.clear = el("button", { type: "button", id: "clear" });
    ui.privacyText = el("span");
    ui.privacyMore = el("button", { type: "button", class: "link", id: "privacy-more" });
    ui.intro = el("p", { id: "intro" });
    ui.privacy = el("div", { class: "privacy", id: "privacy", hidden: "" },
      [ui.intro, el("p", {}, [ui.privacyText, ui.privacyMore])]);
    ui.log = el("ol", { id: "log" });
    ui.live = el("div", { role: "log", "aria-live": "polite", id: "live" }, [ui.log]);
    ui.inputLabel = el("label", { for: "message", class: "visually-hidden", id: "message-label" });
    ui.input = el("input", { id: "message", name: "message", autocomplete: "off", maxlength: "1000", required: "" });
    ui.send = el("button", { type: "submit", id: "send", class: "primary" });
    ui.form = el("form", { id: "ask" }, [ui.inputLabel, ui.input, ui.send]);
    var header = el("header", {}, this.inline ? [ui.title] : [ui.title, ui.close]);
    ui.panel = el("section", { class: "panel", id: "panel", role: this.inline ? "region" : "dialog",
      "aria-labelledby": "title" }, [
      header,
      el("div", { class: "bar" }, [ui.langLabel, ui.select, ui.menu, ui.clear]),
      ui.scroll = el("div", { class: "scroll" }, [ui.privacy, ui.live]), ui.form
    ]);
    ui.root = el("div", { class: "root " + (this.inline ? "inline" : "floating" + (config.left ? " left" : "")) });
    ui.root.style.setProperty("--accent", config.color);
    if (!this.inline) {
      ui.launcher = el("button", { type: "button", class: "launcher", id: "launcher", "aria-expanded": "false",
        "aria-controls": "panel" }, [chatIcon()]);
      ui.panel.hidden = true;
      ui.root.appendChild(ui.launcher);
      ui.launcher.addEventListener("click", function () { self.toggle(); });
      ui.close.addEventListener("click", function () { self.close(); });
      ui.root.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && !ui.panel.hidden) { e.preventDefault(); self.close(); }
      });
    }
    ui.root.appendChild(ui.panel);
    shadow.appendChild(ui.root);

    languages.forEach(function (l) {
      ui.select.appendChild(el("option", { value: l.code, lang: l.code, dir: l.dir, text: l.native_name }));
    });
    ui.select.addEventListener("change", function () {
      self.chosen = ui.select.value;
      self.useLanguage(ui.select.value);
    });
    ui.form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = ui.input.value.trim();
      if (text) { ui.input.value = ""; self.send(text); }
    });
    ui.menu.addEventListener("click", function () { self.send(self.labels.menu_payload, self.labels.menu); });
    ui.privacyMore.addEventListener("click", function () {
      self.send(self.labels.privacy_payload, self.labels.privacy_more);
    });
    ui.clear.addEventListener("click", function () { self.clear(); });
    this.applyLabels();
    if (this.inline) this.showPrivacy();
  }

  Widget.prototype.applyLabels = function () {
    var l = this.labels, ui = this.ui;
    ui.root.lang = l.lang;
    ui.root.dir = l.dir;
    ui.title.textContent = config.title || l.title;
    ui.close.setAttribute("aria-label", l.close);
    if (ui.launcher) ui.launcher.setAttribute("aria-label", l.open);
    ui.langLabel.textContent = l.language;
    ui.select.value = l.lang;
    ui.menu.textContent = l.menu;
    ui.clear.textContent = l.clear;
    ui.intro.textContent = l.intro;
    ui.privacyText.textContent = l.privacy + " ";
    ui.privacyMore.textContent = l.privacy_more;
    ui.live.setAttribute("aria-label", l.messages);
    ui.inputLabel.textContent = l.placeholder;
    ui.input.placeholder = l.placeholder;
    ui.send.textContent = l.send;
  };
  Widget.prototype.useLanguage = function (code) {
    var self = this;
    return api("/api/v1/labels?lang=" + encodeURIComponent(code)).then(function (next) {
      self.labels = next;
      self.applyLabels();
    }, function () { self.ui.select.value = self.labels.lang; });
  };
  Widget.prototype.showPrivacy = function () {
    this.ui.privacy.hidden = false;
  };
  Widget.prototype.open = function () {
    var ui = this.ui;
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    this.showPrivacy();
    ui.input.focus();
  };
  Widget.prototype.close = function () {
    var ui = this.ui;
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.focus();
  };
  Widget.prototype.toggle = function () {
    if (this.ui.panel.hidden) this.open(); else this.close();
  };
  Widget.prototype.add = function (cls, lang, dir) {
    var who = cls.indexOf("user") === 0 ? this.labels.you : this.labels.bot;
    var li = el("li", { class: cls, lang: lang || this.labels.lang, dir: dir || this.labels.dir },
      [el("span", { class: "visually-hidden", text: who + ": " })]);
    this.ui.log.appendChild(li);
    return li;
  };
  Widget.prototype.buttons = function (parent, list, heading) {
    var self = this;
    if (heading) parent.appendChild(el("p", { class: "meta", text: heading }));
    var div = el("div", { class: "choices" });
    list.forEach(function (b) {
      var btn = el("button", { type: "button", text: b.title });
      btn.addEventListener("click", function () { self.send(b.payload, b.title); });
      div.appendChild(btn);
    });
    parent.appendChild(div);
  };
  Widget.prototype.render = function (reply) {
    var self = this, labels = this.labels;
    var dir = null;
    this.ui.select.querySelectorAll("option").forEach(function (o) { if (o.value === reply.lang) dir = o.dir; });
    var first = null;
    reply.messages.forEach(function (msg) {
      var li = self.add("bot", reply.lang, dir || labels.dir);
      first = first || li;
      if (msg.topic) li.setAttribute("data-topic", msg.topic);
      richText(li, msg.text);
      if (msg.sources && msg.sources.length) {
        var p = el("p", { class: "meta sources", text: labels.sources + ": " });
        msg.sources.forEach(function (s, i) {
          var url = safeUrl(s.url);
          var text = s.publisher + ", " + (s.published_label || s.published);
          p.appendChild(url ? link(text, url) : document.createTextNode(text));
        });
        li.appendChild(p);
      }
      if (msg.notice) li.appendChild(el("p", { class: "meta notice", text: msg.notice }));
      if (msg.last_reviewed_label) li.appendChild(el("p", { class: "meta reviewed", text: msg.last_reviewed_label }));
      if (msg.buttons && msg.buttons.length) self.buttons(li, msg.buttons, msg.topic ? labels.related : null);
    });
    // Show the start of the reply (people read answers from the top), without scrolling the host page.
    if (first) this.ui.scroll.scrollTop = first.offsetTop - 8;
  };
  Widget.prototype.errorText = function (status) {
    var l = this.labels;
    return { 413: l.error_too_long, 422: l.error_invalid, 429: l.error_rate_limited, 503: l.error_unavailable }[status]
      || l.error;
  };
  Widget.prototype.send = function (message, shown) {
    var self = this;
    if (message.indexOf("/language/") === 0) this.chosen = message.slice("/language/".length);
    this.add("user").appendChild(document.createTextNode(shown || message));
    var typing = this.add("bot typing");
    typing.appendChild(document.createTextNode(this.labels.typing));
    this.ui.scroll.scrollTop = this.ui.scroll.scrollHeight;
    var body = { message: message, session_id: store.get() };
    if (this.chosen) body.lang = this.chosen;
    api("/api/v1/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": this.labels.lang },
      body: JSON.stringify(body)
    }).then(function (reply) {
      typing.remove();
      store.set(reply.session_id);
      var relabel = reply.lang !== self.labels.lang ? self.useLanguage(reply.lang) : Promise.resolve();
      return relabel.then(function () { self.render(reply); });
    }).catch(function (err) {
      typing.remove();
      var li = self.add("bot error");
      li.appendChild(document.createTextNode(self.errorText(err.status)));
      var retry = el("button", { type: "button", class: "retry", text: self.labels.retry });
      retry.addEventListener("click", function () {
        var previous = li.previousElementSibling;
        if (previous && previous.className === "user") previous.remove();
        li.remove();
        self.send(message, shown);
      });
      li.appendChild(el("br"));
      li.appendChild(retry);
      self.ui.scroll.scrollTop = self.ui.scroll.scrollHeight;
      if (err.status === 413 || err.status === 422) retry.remove();
    });
  };
  Widget.prototype.clear = function () {
    var id = store.get();
    store.remove();
    this.ui.log.textContent = "";
    this.add("bot cleared").appendChild(document.createTextNode(this.labels.cleared));
    if (id) api("/api/v1/sessions/" + encodeURIComponent(id), { method: "DELETE" }).catch(function () {});
    this.ui.input.focus();
  };

  function mount(labels, languages) {
    var host;
    if (config.target) {
      var target = document.querySelector(config.target);
      if (!target) throw new Error("aclara: data-target " + config.target + " matches no element");
      host = document.createElement("aclara-chat");
      target.appendChild(host);
    } else {
      host = document.createElement("aclara-chat");
      document.body.appendChild(host);
    }
    return new Widget(host, labels, languages);
  }

  function start(attempt) {
    var query = config.lang ? "?lang=" + encodeURIComponent(config.lang) : "";
    Promise.all([api("/api/v1/labels" + query), api("/api/v1/languages")]).then(function (r) {
      mount(r[0], r[1]);
    }, function (err) {
      if (err.status === 422 && config.lang) { config.lang = ""; start(attempt); return; }
      if (attempt < 6) setTimeout(function () { start(attempt + 1); }, 2000 * Math.pow(2, attempt));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(0); });
  } else {
    start(0);
  }
})();
