/* Ent.Consent vendor signals: tells Piano Analytics, Matomo and Google Consent Mode v2 the choice, on load and on every
   change. Loaded after the guard, only when the policy has such a service. docs/widget.md#vendor-consent-signals */
(function () {
  'use strict';
  var w = window, d = document, el = d.getElementById('ent-consent-guard'), P = w.EntConsentPolicy;
  if (!el || !P) return;
  var g = P.guard.g, first = true;
  function any(ids, on) { return (ids || []).some(function (id) { return on.indexOf(id) >= 0; }); }
  function gtag() { w.dataLayer.push(arguments); }

  function send(on) {
    if (g.pa) {
      // Consent v2 (window.pdl, read when the SDK starts; pa.consent once it runs).
      var mode = any(g.pa.c, on) ? 'opt-in' : any(g.pa.x, on) ? 'essential' : 'opt-out', pdl = w.pdl = w.pdl || {};
      pdl.requireConsent = 'v2';
      pdl.consent = { defaultPreset: { PA: mode } };
      if (w.pa && w.pa.consent) w.pa.consent.setMode(mode);
    }
    if (g.mt) {
      var q = w._paq = w._paq || [];
      if (first) q.push(['requireConsent']);
      q.push([any(g.mt, on) ? 'setConsentGiven' : 'forgetConsentGiven']);
    }
    if (g.gcm) {
      w.dataLayer = w.dataLayer || [];
      var ads = any(g.gcm.ad, on) ? 'granted' : 'denied';
      gtag('consent', first ? 'default' : 'update', {
        ad_storage: ads, ad_user_data: ads, ad_personalization: ads,
        analytics_storage: any(g.gcm.an, on) ? 'granted' : 'denied'
      });
    }
    first = false;
  }

  send(P.guard.e.concat(JSON.parse(el.textContent).a));
  d.addEventListener('entconsent:change', function (e) {
    var s = e.detail.services;
    send(Object.keys(s).filter(function (id) { return s[id].allowed; }));
  });
})();
