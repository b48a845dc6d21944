// Banner configuration of this test site (POL001): a full-screen modal backdrop covers the
// footer's privacy and imprint links, and a focus trap keeps the keyboard inside the banner.
// The banner itself links to neither; about.html has no privacy link at all.
window.MINI_CMP = {"overlay": true, "trapFocus": true};
