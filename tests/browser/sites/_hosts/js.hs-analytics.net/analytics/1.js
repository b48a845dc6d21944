// Stand-in for HubSpot's analytics script as loaded directly on a sub-page.
(function () {
  document.cookie = "__hstc=1234.aaaa.1700000000000.1700000000000.1700000000000.1; path=/; max-age=34128000";
  document.cookie = "hubspotutk=aaaabbbbccccdddd; path=/; max-age=34128000";
  new Image().src = "http://track.hubspot.com/__ptq.gif?a=4711&k=2";
})();
