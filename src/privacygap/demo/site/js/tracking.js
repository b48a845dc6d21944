/*
 * Rheinblick demo: a first-party imitation of a CRM visitor tracker.
 *
 * Deliberately wrong: it runs on every page load, BEFORE and regardless of any consent,
 * and sets HubSpot-style identifiers (hubspotutk, __hstc, __hssrc). The privacy statement
 * names neither HubSpot nor these cookies.
 */
(function () {
  "use strict";

  var THIRTEEN_MONTHS = 60 * 60 * 24 * 395;

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) {
        return decodeURIComponent(parts[i].slice(eq + 1));
      }
    }
    return null;
  }

  function writeCookie(name, value, maxAge) {
    var cookie = name + "=" + encodeURIComponent(value) + "; path=/; SameSite=Lax";
    if (maxAge) {
      cookie += "; max-age=" + maxAge;
    }
    document.cookie = cookie;
  }

  function randomHex(length) {
    var out = "";
    for (var i = 0; i < length; i++) {
      out += Math.floor(Math.random() * 16).toString(16);
    }
    return out;
  }

  var now = Date.now();
  var utk = readCookie("hubspotutk");
  if (!utk) {
    utk = randomHex(32);
  }
  writeCookie("hubspotutk", utk, THIRTEEN_MONTHS);

  var hstc = readCookie("__hstc");
  var visits = 1;
  var first = now;
  if (hstc) {
    var fields = hstc.split(".");
    first = parseInt(fields[2], 10) || now;
    visits = (parseInt(fields[5], 10) || 0) + 1;
  }
  // Same layout as the real cookie: domain hash . visitor id . first . previous . current . session count
  writeCookie("__hstc", ["99990001", utk, first, now, now, visits].join("."), THIRTEEN_MONTHS);
  writeCookie("__hssrc", "1", 0);

  // Page-view queue that collect.js (the "vendor" script) picks up.
  window._hsq = window._hsq || [];
  window._hsq.push(["trackPageView", { path: location.pathname, title: document.title }]);
})();
