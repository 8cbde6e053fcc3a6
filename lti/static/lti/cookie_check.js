// The LTI login's cookie check: inside an LMS iframe a browser may refuse Academy's cookies
// (third-party cookies blocked). Then the launch could not keep its state or the log-in, so
// the page offers to open Academy in a new window; otherwise it goes on with the login.
(function () {
  "use strict";
  var box = document.getElementById("lti-cookie-check");
  if (!box) { return; }
  var secure = window.location.protocol === "https:";
  var name = "lti_cookie_check";
  document.cookie = name + "=1; path=/; max-age=60" + (secure ? "; SameSite=None; Secure" : "");
  var kept = document.cookie.indexOf(name + "=1") !== -1;
  var framed = window.top !== window.self;
  if (kept || !framed) {
    document.getElementById("lti-new-window").hidden = true;
    window.location.replace(box.getAttribute("data-continue"));
    return;
  }
  document.getElementById("lti-cookie-loading").hidden = true;
}());
