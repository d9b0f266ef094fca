// Full-page chat. Everything is rendered as text; links are built only from structured data.
(function () {
  "use strict";
  var labels = JSON.parse(document.getElementById("labels").textContent);
  var log = document.getElementById("log");
  var input = document.getElementById("message");
  var select = document.getElementById("lang");
  var KEY = "aclara.session";

  function applyLabels() {
    document.documentElement.lang = labels.lang;
    document.documentElement.dir = labels.dir;
    document.title = labels.title;
    document.getElementById("title").textContent = labels.title;
    document.getElementById("intro").textContent = labels.intro;
    document.getElementById("send").textContent = labels.send;
    document.getElementById("clear").textContent = labels.clear;
    document.getElementById("menu").textContent = labels.menu;
    document.getElementById("lang-label").textContent = labels.language;
    document.getElementById("privacy-text").textContent = labels.privacy + " ";
    document.getElementById("privacy-more").textContent = labels.privacy_more;
    log.setAttribute("aria-label", labels.messages);
    input.placeholder = labels.placeholder;
    input.setAttribute("aria-label", labels.placeholder);
  }
  function safeUrl(url) {
    return /^https?:\/\//i.test(url) || /^\/(?!\/)/.test(url) ? url : null;
  }
  function link(text, url) {
    var a = document.createElement("a");
    a.textContent = text;
    a.href = url;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    return a;
  }
  // Long answers may contain [label](https://...) links: build them as elements, never as HTML.
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
  function add(cls, lang, dir) {
    var li = document.createElement("li");
    li.className = cls;
    li.lang = lang || labels.lang;
    li.dir = dir || labels.dir;
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = (cls.indexOf("user") === 0 ? labels.you : labels.bot) + ": ";
    li.appendChild(who);
    log.appendChild(li);
    return li;
  }
  function paragraph(parent, cls, text) {
    var p = document.createElement("p");
    p.className = cls;
    if (text) p.textContent = text;
    parent.appendChild(p);
    return p;
  }
  function buttons(parent, list, heading) {
    var div = document.createElement("div");
    div.className = "choices";
    if (heading) paragraph(div, "meta", heading);
    list.forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.title;
      btn.addEventListener("click", function () { send(b.payload, b.title); });
      div.appendChild(btn);
    });
    parent.appendChild(div);
  }
  function render(reply) {
    var dir = reply.lang === labels.lang ? labels.dir : undefined;
    reply.messages.forEach(function (msg) {
      var li = add("bot", reply.lang, dir);
      if (msg.topic) li.dataset.topic = msg.topic;
      richText(li, msg.text);
      if (msg.sources.length) {
        var p = paragraph(li, "meta", labels.sources + ": ");
        msg.sources.forEach(function (s, i) {
          if (i) p.appendChild(document.createTextNode("; "));
          var url = safeUrl(s.url);
          var text = s.publisher + ", " + (s.published_label || s.published);
          p.appendChild(url ? link(text, url) : document.createTextNode(text));
        });
      }
      if (msg.notice) paragraph(li, "meta notice", msg.notice);
      if (msg.last_reviewed_label) paragraph(li, "meta reviewed", msg.last_reviewed_label);
      if (msg.buttons.length) buttons(li, msg.buttons, msg.topic ? labels.related : null);
    });
    var last = log.lastElementChild;
    if (last) last.scrollIntoView({ block: "nearest" });
  }
  function errorText(status) {
    if (status === 413) return labels.error_too_long;
    if (status === 422) return labels.error_invalid;
    if (status === 429) return labels.error_rate_limited;
    if (status === 503) return labels.error_unavailable;
    return labels.error;
  }
  function send(message, shown) {
    add("user").appendChild(document.createTextNode(shown || message));
    var typing = add("bot typing");
    typing.appendChild(document.createTextNode(labels.typing));
    var body = { message: message, session_id: sessionStorage.getItem(KEY) };
    if (select.value) body.lang = select.value;
    fetch("/api/v1/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    }).then(function (reply) {
      typing.remove();
      sessionStorage.setItem(KEY, reply.session_id);
      render(reply);
    }).catch(function (err) {
      typing.remove();
      var li = add("bot error");
      li.appendChild(document.createTextNode(errorText(Number(err.message))));
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "retry";
      retry.textContent = labels.retry;
      retry.addEventListener("click", function () { li.remove(); send(message, shown); });
      li.appendChild(document.createElement("br"));
      li.appendChild(retry);
    });
  }
  function useLanguage(code) {
    return fetch("/api/v1/labels?lang=" + encodeURIComponent(code || labels.lang))
      .then(function (r) { return r.json(); })
      .then(function (next) { labels = next; applyLabels(); });
  }
  document.getElementById("ask").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (text) { input.value = ""; send(text); }
  });
  document.getElementById("menu").addEventListener("click", function () { send(labels.menu_payload, labels.menu); });
  document.getElementById("privacy-more").addEventListener("click", function () {
    send(labels.privacy_payload, labels.privacy_more);
  });
  document.getElementById("clear").addEventListener("click", function () {
    var id = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    log.textContent = "";
    add("bot cleared").appendChild(document.createTextNode(labels.cleared));
    if (id) fetch("/api/v1/sessions/" + encodeURIComponent(id), { method: "DELETE" });
  });
  select.addEventListener("change", function () { if (select.value) useLanguage(select.value); });
  applyLabels();
  fetch("/api/v1/languages").then(function (r) { return r.json(); }).then(function (langs) {
    var auto = document.createElement("option");
    auto.value = "";
    auto.textContent = "—";
    select.appendChild(auto);
    langs.forEach(function (l) {
      var o = document.createElement("option");
      o.value = l.code;
      o.textContent = l.native_name;
      o.lang = l.code;
      o.dir = l.dir;
      select.appendChild(o);
    });
  });
})();
