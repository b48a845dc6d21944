/*
 * Rheinblick demo: a self-hosted web analytics imitation (Matomo-style cookies).
 * consent.js loads it only after consent to "Statistik"; the privacy statement describes it.
 */
(function () {
  "use strict";

  var siteHash = "1.7c3e";
  var id = "";
  for (var i = 0; i < 16; i++) {
    id += Math.floor(Math.random() * 16).toString(16);
  }
  var now = Math.floor(Date.now() / 1000);
  document.cookie = "_pk_id." + siteHash + "=" + id + "." + now + "; path=/; max-age=" + (60 * 60 * 24 * 393) + "; SameSite=Lax";
  document.cookie = "_pk_ses." + siteHash + "=1; path=/; max-age=1800; SameSite=Lax";
})();
