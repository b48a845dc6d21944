/*
 * Rheinblick demo: a home-made cookie banner (no external library).
 *
 * Deliberate defects the scanner should find:
 *   - first layer: "Alle akzeptieren" and "Einstellungen", but no way to reject;
 *   - settings layer: "Marketing" is pre-ticked, "Nur notwendige" is a small text button;
 *   - the text is vague ("optimales Nutzungserlebnis");
 *   - tracking.js and the vendor script run anyway, before and after any choice;
 *   - there is no link to reopen the settings once a choice is saved.
 */
(function () {
  "use strict";

  var COOKIE = "rb_consent";
  var ONE_YEAR = 60 * 60 * 24 * 365;
  var TRACKER_ORIGIN = "{{TRACKER_ORIGIN}}";

  function readConsent() {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(COOKIE + "=") === 0) {
        var value = parts[i].slice(COOKIE.length + 1).split(".");
        if (value[0] !== "v1") {
          return null;
        }
        return { statistik: value[2] === "s1", marketing: value[3] === "m1" };
      }
    }
    return null;
  }

  function loadScript(src) {
    var script = document.createElement("script");
    script.src = src;
    script.async = true;
    document.head.appendChild(script);
  }

  function apply(consent) {
    if (consent.statistik) {
      loadScript("js/matomo.js");
    }
    if (consent.marketing) {
      document.cookie = "_rb_campaign=" + encodeURIComponent(location.search || "direct") +
        "; path=/; max-age=" + (60 * 60 * 24 * 90) + "; SameSite=Lax";
      var pixel = new Image(1, 1);
      pixel.alt = "";
      pixel.src = TRACKER_ORIGIN + "/ads/pixel.gif?ev=consent&pu=" + encodeURIComponent(location.href);
    }
  }

  function save(consent) {
    var value = ["v1", "n1", consent.statistik ? "s1" : "s0", consent.marketing ? "m1" : "m0"].join(".");
    document.cookie = COOKIE + "=" + value + "; path=/; max-age=" + ONE_YEAR + "; SameSite=Lax";
    document.getElementById("cookie-banner").hidden = true;
    apply(consent);
  }

  function init() {
    var banner = document.getElementById("cookie-banner");
    if (!banner) {
      return;
    }
    var stored = readConsent();
    if (stored) {
      apply(stored);
      return;
    }
    var firstLayer = document.getElementById("cookie-layer-1");
    var settingsLayer = document.getElementById("cookie-layer-2");
    banner.hidden = false;

    function acceptAll() {
      save({ statistik: true, marketing: true });
    }

    document.getElementById("cookie-accept-all").addEventListener("click", acceptAll);
    document.getElementById("cookie-accept-all-2").addEventListener("click", acceptAll);
    document.getElementById("cookie-settings").addEventListener("click", function () {
      firstLayer.hidden = true;
      settingsLayer.hidden = false;
      document.getElementById("cookie-cat-statistik").focus();
    });
    document.getElementById("cookie-save").addEventListener("click", function () {
      save({
        statistik: document.getElementById("cookie-cat-statistik").checked,
        marketing: document.getElementById("cookie-cat-marketing").checked
      });
    });
    document.getElementById("cookie-necessary-only").addEventListener("click", function () {
      save({ statistik: false, marketing: false });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
