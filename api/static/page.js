// Minimal full-page chat. Everything is rendered as text; links are built only from structured data.
(function () {
  "use strict";
  var labels = JSON.parse(document.getElementById("labels").textContent);
  var log = document.getElementById("log");
  var input = document.getElementById("message");
  var select = document.getElementById("lang");
  var KEY = "aclara.session";
  document.getElementById("send").textContent = labels.send;
  document.getElementById("clear").textContent = labels.clear;
  document.getElementById("lang-label").textContent = labels.language;
  input.placeholder = labels.placeholder;
  input.setAttribute("aria-label", labels.placeholder);

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
  function add(cls, lang) {
    var li = document.createElement("li");
    li.className = cls;
    if (lang) li.lang = lang;
    log.appendChild(li);
    return li;
  }
  function render(reply) {
    reply.messages.forEach(function (msg) {
      var li = add("bot", reply.lang);
      if (msg.topic) li.dataset.topic = msg.topic;
      richText(li, msg.text);
      if (msg.sources.length) {
        var p = document.createElement("p");
        p.className = "meta";
        p.appendChild(document.createTextNode(labels.sources + ": "));
        msg.sources.forEach(function (s, i) {
          if (i) p.appendChild(document.createTextNode("; "));
          var url = safeUrl(s.url);
          var text = s.publisher + ", " + s.published;
          p.appendChild(url ? link(text, url) : document.createTextNode(text));
        });
        li.appendChild(p);
      }
      if (msg.notice) {
        var n = document.createElement("p");
        n.className = "meta notice";
        n.textContent = msg.notice;
        li.appendChild(n);
      }
      if (msg.last_reviewed) {
        var r = document.createElement("p");
        r.className = "meta";
        r.textContent = labels.last_reviewed.replace("{date}", msg.last_reviewed);
        li.appendChild(r);
      }
      if (msg.buttons.length) {
        var div = document.createElement("div");
        div.className = "choices";
        msg.buttons.forEach(function (b) {
          var btn = document.createElement("button");
          btn.type = "button";
          btn.textContent = b.title;
          btn.addEventListener("click", function () { send(b.payload, b.title); });
          div.appendChild(btn);
        });
        li.appendChild(div);
      }
    });
    li = log.lastElementChild;
    if (li) li.scrollIntoView({ block: "nearest" });
  }
  var li;
  function send(message, shown) {
    add("user").textContent = shown || message;
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
      sessionStorage.setItem(KEY, reply.session_id);
      render(reply);
    }).catch(function () {
      add("bot error", labels.lang).textContent = labels.error;
    });
  }
  document.getElementById("ask").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (text) { input.value = ""; send(text); }
  });
  document.getElementById("clear").addEventListener("click", function () {
    var id = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    log.textContent = "";
    if (id) fetch("/api/v1/sessions/" + encodeURIComponent(id), { method: "DELETE" });
  });
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
      select.appendChild(o);
    });
  });
})();
