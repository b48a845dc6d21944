// Stand-in for Hotjar's tracking code: a first-party cookie and a localStorage key.
(function () {
  document.cookie = "_hjSessionUser_4711=eyJpZCI6IjEyMyJ9; path=/; max-age=31536000";
  try { localStorage.setItem("_hjSessionStorageTest", "1"); } catch (e) {}
})();
