// Banner configuration of this test site: what differs from the compliant defaults in /lib/mini-cmp.js.
window.MINI_CMP = {
  "text": "Wir verwenden Cookies, um Ihnen ein optimales Nutzungserlebnis zu bieten."
};
