/*
 * Rheinblick demo: the "third-party" CRM collector, served as {{TRACKER_ORIGIN}}/hs/collect.js.
 *
 * The demo site is served from http://127.0.0.1:PORT/ and this script from
 * http://localhost:PORT/, a different site. It is embedded on every page without waiting for
 * consent: it sets a session cookie on the visited site and sends a page-view beacon back to
 * its own origin, which answers with a cookie of its own.
 */
(function () {
  "use strict";

  var origin = "{{TRACKER_ORIGIN}}";

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

  var utk = readCookie("hubspotutk") || "";
  var now = Date.now();
  document.cookie = "__hssc=" + ["99990001", "1", now].join(".") + "; path=/; max-age=1800; SameSite=Lax";

  var query = [
    "k=1",
    "a=99990001",
    "vi=" + encodeURIComponent(utk),
    "pu=" + encodeURIComponent(location.href),
    "t=" + encodeURIComponent(document.title),
    "r=" + encodeURIComponent(document.referrer),
    "ts=" + now
  ].join("&");
  var beacon = new Image(1, 1);
  beacon.alt = "";
  beacon.src = origin + "/hs/__ptq.gif?" + query;
})();
