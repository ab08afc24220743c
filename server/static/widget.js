/*
 * ShopDesk chat widget: one script tag on any storefront page.
 *
 *   <script src="https://desk.example.com/widget.js" data-shop-key="demo-storefront-key"
 *           data-customer-token="(optional, signed by the shop's backend for a logged-in customer)" async></script>
 *
 * Talks to the storefront API only (X-Shop-Key + a per-conversation bearer token), streams the bot's progress
 * over server-sent events, and polls for messages a person writes later. Text is always inserted as text, never
 * as HTML, so nothing a customer or agent types can run in the shop's page.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  window.ShopdeskMarkdown = window.ShopdeskMarkdown || { render: renderMarkdown };
  // The console loads this file for the renderer only.
  if (script && script.hasAttribute("data-markdown-only")) return;
  if (!script || window.__shopdeskWidget) return;
  window.__shopdeskWidget = true;

  var API = (script.getAttribute("data-api") || new URL(script.src, location.href).origin).replace(/\/$/, "");
  var SHOP_KEY = script.getAttribute("data-shop-key") || "";
  var CUSTOMER_TOKEN = script.getAttribute("data-customer-token") || "";
  var TITLE = script.getAttribute("data-title") || "Customer support";
  var POLL_MS = parseInt(script.getAttribute("data-poll-ms") || "2500", 10);
  // Remembered per shop key so a page reload continues the same conversation.
  var STORE = "shopdesk:" + SHOP_KEY;

  var css = [
    ".sd-launch{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;",
    "padding:14px 20px;background:#1f4fd1;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;",
    "box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".sd-panel{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:360px;max-width:calc(100vw - 40px);",
    "height:520px;max-height:calc(100vh - 120px);display:none;flex-direction:column;background:#fff;",
    "border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);font:14px system-ui,sans-serif;color:#1b1b1b;",
    "overflow:hidden}",
    ".sd-panel.sd-open{display:flex}",
    ".sd-head{padding:12px 16px;background:#1f4fd1;color:#fff;font-weight:600;display:flex;",
    "justify-content:space-between;align-items:center}",
    ".sd-head button{background:none;border:0;color:#fff;font-size:18px;cursor:pointer}",
    ".sd-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f5f6f8}",
    ".sd-msg{max-width:80%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}",
    ".sd-customer{align-self:flex-end;background:#1f4fd1;color:#fff}",
    ".sd-bot{align-self:flex-start;background:#fff;border:1px solid #dde1e7}",
    ".sd-agent{align-self:flex-start;background:#e7f6ec;border:1px solid #b9e2c6}",
    ".sd-who{display:block;font-size:11px;opacity:.7;margin-bottom:2px}",
    ".sd-pending{opacity:.6}",
    ".sd-list{margin:4px 0;padding-left:20px;white-space:normal}",
    ".sd-msg a{color:inherit;text-decoration:underline}",
    ".sd-status{padding:4px 12px;font-size:12px;color:#5b6270;min-height:18px}",
    ".sd-form{display:flex;border-top:1px solid #dde1e7}",
    ".sd-form textarea{flex:1;border:0;padding:10px;resize:none;font:inherit;height:44px}",
    ".sd-form button{border:0;background:#1f4fd1;color:#fff;padding:0 16px;cursor:pointer;font-weight:600}",
    ".sd-form button:disabled{opacity:.5;cursor:default}",
  ].join("");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The bot writes a small, safe subset of Markdown: **bold**, "- " and "1. " lists, [links](https://...).
  // It is rendered with DOM nodes and textContent only, never innerHTML: anything else stays literal text, so
  // a message can't inject markup or script. Links must be http(s) or mailto. The console uses the same code.
  function inline(parent, text) {
    var INLINE = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(((?:https?:\/\/|mailto:)[^\s)]+)\)/g;
    var last = 0;
    text.replace(INLINE, function (match, bold, label, href, offset) {
      if (offset > last) parent.appendChild(document.createTextNode(text.slice(last, offset)));
      if (bold !== undefined) {
        parent.appendChild(el("strong", "", bold));
      } else {
        var link = el("a", "", label);
        link.href = href;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        parent.appendChild(link);
      }
      last = offset + match.length;
      return match;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function renderMarkdown(parent, text) {
    var list = null;
    String(text).split("\n").forEach(function (line, index, lines) {
      var item = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
      if (item) {
        var kind = item[1] ? "ul" : "ol";
        if (!list || list.tagName.toLowerCase() !== kind) {
          list = el(kind, "sd-list");
          parent.appendChild(list);
        }
        var li = el("li");
        inline(li, item[3]);
        list.appendChild(li);
        return;
      }
      list = null;
      inline(parent, line);
      if (index < lines.length - 1) parent.appendChild(document.createTextNode("\n"));
    });
  }

  var style = el("style");
  style.textContent = css;
  document.head.appendChild(style);

  var launch = el("button", "sd-launch", "Chat with us");
  launch.id = "shopdesk-launch";
  var panel = el("div", "sd-panel");
  panel.id = "shopdesk-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", TITLE);
  var head = el("div", "sd-head");
  head.appendChild(el("span", "", TITLE));
  var close = el("button", "", "\u00d7");
  close.setAttribute("aria-label", "Close chat");
  head.appendChild(close);
  var log = el("div", "sd-log");
  log.id = "shopdesk-log";
  log.setAttribute("aria-live", "polite");
  var status = el("div", "sd-status");
  status.id = "shopdesk-status";
  var form = el("form", "sd-form");
  var input = el("textarea");
  input.id = "shopdesk-input";
  input.placeholder = "Type your message\u2026";
  input.maxLength = 2000;
  var send = el("button", "", "Send");
  send.id = "shopdesk-send";
  send.type = "submit";
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);

  var state = { id: null, token: null, lastSeq: -1, busy: false, timer: null };
  try {
    var saved = JSON.parse(localStorage.getItem(STORE) || "null");
    if (saved && saved.id && saved.token) {
      state.id = saved.id;
      state.token = saved.token;
    }
  } catch (e) {
    /* storage blocked (private mode): a fresh conversation per page is fine */
  }

  function headers() {
    var h = { "Content-Type": "application/json", "X-Shop-Key": SHOP_KEY };
    if (state.token) h.Authorization = "Bearer " + state.token;
    return h;
  }

  function save() {
    try { localStorage.setItem(STORE, JSON.stringify({ id: state.id, token: state.token })); } catch (e) { /* ignore */ }
  }

  // Conversation tokens expire unless used: every answer carries a renewed one.
  function renew(response) {
    var renewed = response.headers.get("X-Conversation-Token");
    if (renewed && renewed !== state.token) {
      state.token = renewed;
      save();
    }
  }

  function say(text) {
    status.textContent = text || "";
  }

  function bubble(role, text, who) {
    var node = el("div", "sd-msg sd-" + role);
    if (who) node.appendChild(el("span", "sd-who", who));
    var body = el("span", "sd-body");
    // What the bot and agents write is rendered (safely); what the customer typed is shown as typed.
    if (role === "customer") body.textContent = text;
    else renderMarkdown(body, text);
    node.appendChild(body);
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  function errorText(response, body) {
    // The server's message for customers (from its catalogue, in their language); the detail is for developers.
    if (body && body.message) return body.message;
    var detail = body && body.detail;
    if (Array.isArray(detail)) detail = detail.map(function (d) { return d.msg; }).join("; ");
    return detail || "Something went wrong (" + response.status + ")";
  }

  async function ensureConversation() {
    if (state.id) return;
    var body = CUSTOMER_TOKEN ? { customer_token: CUSTOMER_TOKEN } : {};
    var response = await fetch(API + "/v1/conversations", { method: "POST", headers: headers(), body: JSON.stringify(body) });
    var data = await response.json().catch(function () { return null; });
    if (!response.ok) throw new Error(errorText(response, data));
    state.id = data.conversation_id;
    state.token = data.conversation_token;
    state.lastSeq = -1;
    save();
  }

  async function refresh() {
    if (!state.id) return;
    var url = API + "/v1/conversations/" + encodeURIComponent(state.id) + "?after=" + state.lastSeq;
    var response = await fetch(url, { headers: headers() });
    if (response.status === 401 || response.status === 403 || response.status === 404) {
      // The conversation is gone (or the token no longer fits): start over next time.
      state.id = state.token = null;
      try { localStorage.removeItem(STORE); } catch (e) { /* ignore */ }
      return;
    }
    if (!response.ok) return;
    renew(response);
    var data = await response.json();
    Array.prototype.forEach.call(log.querySelectorAll(".sd-pending"), function (n) { n.remove(); });
    data.messages.forEach(function (m) {
      var who = m.role === "agent" ? (m.author_name || "Support agent") : m.role === "bot" ? "Assistant" : "";
      bubble(m.role, m.text, who);
      state.lastSeq = Math.max(state.lastSeq, m.seq);
    });
    panel.setAttribute("data-status", data.status);
    if (!state.busy) say(data.waiting_for_person ? "A colleague will reply here." : "");
  }

  function parseEvents(buffer, handle) {
    var blocks = buffer.split("\n\n");
    var rest = blocks.pop();
    blocks.forEach(function (block) {
      var event = "message";
      var data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event: ") === 0) event = line.slice(7);
        else if (line.indexOf("data: ") === 0) data.push(line.slice(6));
      });
      if (data.length) handle(event, JSON.parse(data.join("\n")));
    });
    return rest;
  }

  async function sendMessage(text) {
    state.busy = true;
    send.disabled = true;
    bubble("customer", text).classList.add("sd-pending");
    var typing = null;
    try {
      await ensureConversation();
      var url = API + "/v1/conversations/" + encodeURIComponent(state.id) + "/messages?stream=true";
      var response = await fetch(url, { method: "POST", headers: headers(), body: JSON.stringify({ text: text }) });
      if (!response.ok || !response.body) {
        var body = await response.json().catch(function () { return null; });
        throw new Error(errorText(response, body));
      }
      renew(response);
      say("The assistant is thinking\u2026");
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer = parseEvents(buffer + decoder.decode(chunk.value, { stream: true }), function (event, data) {
          if (event === "token") {
            typing = typing || bubble("bot", "", "Assistant");
            typing.classList.add("sd-pending");
            typing.raw = (typing.raw || "") + data.text;
            var body = typing.querySelector(".sd-body");
            body.textContent = "";
            renderMarkdown(body, typing.raw);
          } else if (event === "error") {
            say(data.detail);
          }
        });
      }
    } catch (error) {
      say(error.message || String(error));
      state.busy = false;
      send.disabled = false;
      return;
    }
    state.busy = false;
    send.disabled = false;
    say("");
    await refresh();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || state.busy) return;
    input.value = "";
    sendMessage(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function poll() {
    if (!state.busy) refresh().catch(function () { /* offline for a moment: try again next tick */ });
  }

  function open() {
    panel.classList.add("sd-open");
    input.focus();
    poll();
    if (!state.timer) state.timer = setInterval(poll, POLL_MS);
  }

  function hide() {
    panel.classList.remove("sd-open");
    clearInterval(state.timer);
    state.timer = null;
  }

  launch.addEventListener("click", function () {
    if (panel.classList.contains("sd-open")) hide();
    else open();
  });
  close.addEventListener("click", hide);

  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(launch);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
