// Banner configuration of this test site (see /lib/mini-cmp.js).
window.MINI_CMP = {
  "reject": "button",
  "settings": true,
  "categories": [
    {
      "key": "necessary",
      "label": "Notwendig",
      "checked": true,
      "disabled": true,
      "text": "Speichert Ihre Auswahl (mini_consent). Google Analytics (_ga) und HubSpot (hubspotutk) sichern den Betrieb der Website."
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
  "withdraw": true
};
