// Banner configuration of this test site: the compliant defaults of /lib/mini-cmp.js.
window.MINI_CMP = {};
