// Banner configuration of this test site: the compliant defaults of /lib/mini-cmp.js, plus a
// HubSpot-style chat widget loaded with marketing consent whose pre-chat form asks for name
// and e-mail without any privacy notice (WEB012 fails).
window.MINI_CMP = {
  trackers: {
    analytics: ["http://www.googletagmanager.com/gtag/js?id=G-TEST"],
    marketing: ["http://js.hs-scripts.com/4711.js", "http://js.usemessages.com/conversations-embed.js"]
  }
};
