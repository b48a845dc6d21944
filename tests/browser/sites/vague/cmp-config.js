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
  "text": "Wir verwenden Cookies, um Ihnen ein optimales Nutzungserlebnis zu bieten.",
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
