// Banner configuration of this test site: what differs from the compliant defaults in /lib/mini-cmp.js.
window.MINI_CMP = {
  "categoryChanges": {
    "marketing": {
      "label": "Marketing (berechtigtes Interesse)",
      "text": "Personalisierte Werbung auf Grundlage unseres berechtigten Interesses."
    }
  }
};
