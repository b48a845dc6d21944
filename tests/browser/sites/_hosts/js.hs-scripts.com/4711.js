// Stand-in for HubSpot's tracking loader: the first-party cookies its real code sets.
(function () {
  var year = 60 * 60 * 24 * 395;
  document.cookie = "hubspotutk=5f1e2d3c4b5a69788796a5b4c3d2e1f0; path=/; max-age=" + year;
  document.cookie = "__hstc=1234.5f1e.1700000000000.1700000000000.1700000000000.1; path=/; max-age=" + year;
  document.cookie = "__hssc=1234.1.1700000000000; path=/; max-age=1800";
  document.cookie = "__hssrc=1; path=/";
  new Image().src = "http://track.hubspot.com/__ptq.gif?a=4711&k=1";
})();
