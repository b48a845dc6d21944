// Stand-in for HubSpot's chat loader (privacygap browser tests): it inserts the container
// HubSpot uses (#hubspot-messages-iframe-container) with the chat in a cross-origin iframe.
// The real iframe comes from app.hubspot.com, which Chromium's HSTS preload list upgrades to
// https (the loopback server speaks http only), so the stand-in serves it from this host.
// "?notice=1" on this script's address gives the pre-chat form a privacy link.
(function () {
  var src = (document.currentScript && document.currentScript.src) || "";
  var notice = /[?&]notice=1\b/.test(src);
  var box = document.createElement("div");
  box.id = "hubspot-messages-iframe-container";
  box.style.cssText = "position:fixed;right:16px;bottom:16px;width:360px;height:520px;z-index:2147483000";
  var frame = document.createElement("iframe");
  frame.title = "Chat-Widget";
  frame.src = "http://js.usemessages.com/conversations-visitor/4711/widget.html" + (notice ? "?notice=1" : "");
  frame.style.cssText = "border:0;width:100%;height:100%;background:transparent";
  box.appendChild(frame);
  document.body.appendChild(box);
})();
