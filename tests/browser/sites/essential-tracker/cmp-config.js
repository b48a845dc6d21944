// Banner configuration of this test site: what differs from the compliant defaults in /lib/mini-cmp.js.
window.MINI_CMP = {
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
  ]
};
