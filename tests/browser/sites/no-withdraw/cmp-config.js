// Banner configuration of this test site: what differs from the compliant defaults in /lib/mini-cmp.js.
window.MINI_CMP = {
  "withdraw": false
};
