// A small consent banner for the privacygap browser tests. Each test page sets
// window.MINI_CMP (its cmp-config.js) before loading this file. The defaults below are a
// compliant banner; a site's config lists only what differs, and every option switches on
// one violation. categoryChanges: {key: {field: value}} changes single toggles.
//   reject: "button" | "link" | "none"    how the first layer offers rejection
//   settings: true                          a settings button opening a second layer
//   categories: [{key, label, checked, disabled, li, text}]   toggles of the settings layer
//   close: "none" | "neutral" | "grants"   a close X; "grants" treats closing as consent
//   text: banner text
//   trackers: {analytics: [urls], marketing: [urls]}  loaded only with consent
//   withdraw: true                          a "Cookie-Einstellungen" footer link on every page
//   overlay: true                           a full-screen modal backdrop behind the banner (covers the footer)
//   trapFocus: true                         focus leaving the banner is pulled back to its first button
// The default bottom bar pads the page by its height, so the footer's privacy and imprint
// links can be scrolled above it and stay clickable while it is open (POL001).
(function () {
  var DEFAULTS = {
    "reject": "button",
    "settings": true,
    "categories": [
      {
        "key": "necessary",
        "label": "Notwendig",
        "checked": true,
        "disabled": true,
        "text": "Speichert Ihre Cookie-Auswahl (mini_consent)."
      },
      {
        "key": "analytics",
        "label": "Statistik",
        "checked": false,
        "text": "Google Analytics (_ga, _gid) misst die Nutzung der Website."
      },
      {
        "key": "marketing",
        "label": "Marketing",
        "checked": false,
        "text": "HubSpot (hubspotutk, __hstc) erkennt wiederkehrende Besucher."
      }
    ],
    "close": "none",
    "text": "Wir und unsere Partner HubSpot (USA) und Google verwenden Cookies für Statistik und Marketing. Die Cookies speichern wir bis zu 13 Monate. Dabei können Daten in die USA übermittelt werden. Ihre Einwilligung können Sie jederzeit über die Cookie-Einstellungen widerrufen.",
    "trackers": {
      "analytics": [
        "http://www.googletagmanager.com/gtag/js?id=G-TEST"
      ],
      "marketing": [
        "http://js.hs-scripts.com/4711.js"
      ]
    },
    "withdraw": true,
    "overlay": false,
    "trapFocus": false
  };
  var cfg = Object.assign({}, DEFAULTS, window.MINI_CMP || {});
  var changes = cfg.categoryChanges || {};
  cfg.categories = cfg.categories.map(function (c) { return Object.assign({}, c, changes[c.key] || {}); });
  var COOKIE = "mini_consent";
  function getConsent() {
    var m = document.cookie.match(/(?:^|; )mini_consent=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : null;
  }
  function setConsent(value) {
    document.cookie = COOKIE + "=" + encodeURIComponent(value) + "; path=/; max-age=15552000";
  }
  function load(url) {
    var s = document.createElement("script");
    s.src = url;
    document.head.appendChild(s);
  }
  function apply(value) {
    var granted = value === "all" ? ["analytics", "marketing"] : (value || "").split(",");
    var trackers = cfg.trackers || {};
    Object.keys(trackers).forEach(function (cat) {
      if (granted.indexOf(cat) >= 0) trackers[cat].forEach(load);
    });
  }
  var trap = null;
  function close(box) {
    if (box && box.parentNode) box.parentNode.removeChild(box);
    document.body.style.paddingBottom = "";
    if (trap) { document.removeEventListener("focusin", trap, true); trap = null; }
  }
  function choose(value, box) { setConsent(value); close(box); apply(value); }

  function banner() {
    var box = document.createElement("div");
    box.id = "mini-banner";
    var root = box;  // what a choice removes: the bar, or the backdrop with the banner in it
    if (cfg.overlay) {
      root = document.createElement("div");
      root.id = "mini-backdrop";
      root.setAttribute("style", "position:fixed;top:0;left:0;right:0;bottom:0;background:rgba(0,0,0,0.6);z-index:999");
      box.setAttribute("role", "dialog");
      box.setAttribute("aria-modal", "true");
      box.setAttribute("style", "position:fixed;top:50%;left:50%;transform:translate(-50%,-50%);width:640px;" +
        "background:#ffffff;color:#222222;padding:20px;border:2px solid #333;font:16px sans-serif;z-index:1000");
      root.appendChild(box);
    } else {
      box.setAttribute("style", "position:fixed;bottom:0;left:0;right:0;background:#ffffff;color:#222222;" +
        "padding:16px;border-top:2px solid #333;font:16px sans-serif;z-index:1000");
    }
    var p = document.createElement("p");
    p.textContent = cfg.text || "Wir setzen Cookies ein.";
    box.appendChild(p);
    var bar = document.createElement("div");
    var btnStyle = "background:#0b5ed7;color:#ffffff;border:0;padding:12px 24px;font-size:16px;margin-right:8px";
    var accept = document.createElement("button");
    accept.textContent = "Alle akzeptieren";
    accept.setAttribute("style", btnStyle);
    accept.onclick = function () { choose("all", root); };
    bar.appendChild(accept);
    if (cfg.reject === "button") {
      var reject = document.createElement("button");
      reject.textContent = "Alle ablehnen";
      reject.setAttribute("style", btnStyle);
      reject.onclick = function () { choose("none", root); };
      bar.appendChild(reject);
    }
    if (cfg.settings) {
      var set = document.createElement("button");
      set.textContent = "Einstellungen";
      set.setAttribute("style", btnStyle);
      set.onclick = function () { settingsLayer(root); };
      bar.appendChild(set);
    }
    box.appendChild(bar);
    if (cfg.reject === "link") {
      var small = document.createElement("p");
      small.setAttribute("style", "font-size:11px;color:#bbbbbb;margin-top:10px");
      small.appendChild(document.createTextNode("Sie können der Verarbeitung auch widersprechen und "));
      var link = document.createElement("a");
      link.href = "#";
      link.textContent = "ablehnen";
      link.setAttribute("style", "color:#c8c8c8;font-size:11px");
      link.onclick = function (e) { e.preventDefault(); choose("none", root); };
      small.appendChild(link);
      small.appendChild(document.createTextNode(", dann laden wir nur notwendige Inhalte."));
      box.appendChild(small);
    }
    if (cfg.close && cfg.close !== "none") {
      var x = document.createElement("button");
      x.textContent = "×";
      x.setAttribute("aria-label", "Schließen");
      x.setAttribute("style", "position:absolute;top:4px;right:8px;background:transparent;border:0;font-size:20px;color:#222");
      x.onclick = function () { if (cfg.close === "grants") choose("all", root); else close(root); };
      box.appendChild(x);
    }
    document.body.appendChild(root);
    if (!cfg.overlay) document.body.style.paddingBottom = box.offsetHeight + "px";
    if (cfg.trapFocus) {
      trap = function (e) {
        if (!box.contains(e.target)) { var first = box.querySelector("button"); if (first) first.focus(); }
      };
      document.addEventListener("focusin", trap, true);
    }
  }

  function settingsLayer(first) {
    close(first);
    var box = document.createElement("div");
    box.id = "mini-settings";
    box.setAttribute("role", "dialog");
    box.setAttribute("style", "position:fixed;top:10%;left:20%;right:20%;background:#fff;color:#222;" +
      "padding:20px;border:2px solid #333;font:15px sans-serif;z-index:1001");
    (cfg.categories || []).forEach(function (c) {
      var row = document.createElement("div");
      row.className = "mini-cat";
      var input = document.createElement("input");
      input.type = "checkbox";
      input.id = "cat-" + c.key;
      input.name = c.key;
      input.checked = !!c.checked;
      input.disabled = !!c.disabled;
      var label = document.createElement("label");
      label.htmlFor = input.id;
      label.textContent = c.label;
      var desc = document.createElement("p");
      desc.textContent = c.text || "";
      row.appendChild(input);
      row.appendChild(label);
      row.appendChild(desc);
      box.appendChild(row);
    });
    var save = document.createElement("button");
    save.textContent = "Auswahl speichern";
    save.onclick = function () {
      var chosen = (cfg.categories || []).filter(function (c) {
        return !c.disabled && document.getElementById("cat-" + c.key).checked;
      }).map(function (c) { return c.key; });
      choose(chosen.join(",") || "none", box);
    };
    box.appendChild(save);
    document.body.appendChild(box);
  }

  function footer() {
    if (!cfg.withdraw) return;
    var a = document.createElement("a");
    a.href = "#";
    a.id = "mini-withdraw";
    a.textContent = "Cookie-Einstellungen";
    a.onclick = function (e) { e.preventDefault(); banner(); };
    (document.querySelector("footer") || document.body).appendChild(a);
  }

  function start() {
    var value = getConsent();
    footer();
    if (value) apply(value); else banner();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
