// Banner configuration of this test site: the compliant defaults of /lib/mini-cmp.js, plus a
// HubSpot-style chat widget loaded with marketing consent whose pre-chat form links the
// privacy statement (WEB012 passes).
window.MINI_CMP = {
  trackers: {
    analytics: ["http://www.googletagmanager.com/gtag/js?id=G-TEST"],
    marketing: ["http://js.hs-scripts.com/4711.js", "http://js.usemessages.com/conversations-embed.js?notice=1"]
  }
};
