/* Ent.Consent guard: drops script writes for services not allowed now, caps exempt cookies. docs/widget.md */
(function () {
  'use strict';
  var d = document, w = window, el = d.getElementById('ent-consent-guard'), P = w.EntConsentPolicy;
  if (!el || !P || w.EntConsentGuard) return;
  // Keys: GuardConfig.cs
  var cfg = Object.assign({}, P.guard, JSON.parse(el.textContent)), on = {}, told = {};
  var G = w.EntConsentGuard = { onBlocked: null };

  function allow(ids) {
    on = {};
    cfg.e.concat(ids).forEach(function (id) { on[id] = 1; });
  }
  // As the server: the exact name, then the longest prefix.
  function owner(map, name) {
    if (Object.prototype.hasOwnProperty.call(map, name)) return map[name];
    var n = 0, id = null;
    for (var p in map) {
      if (p.slice(-1) === '*' && p.length > n && name.indexOf(p.slice(0, -1)) === 0) { n = p.length; id = map[p]; }
    }
    return id;
  }
  // True when dropped (and reported once per name).
  function drop(name, id, undeclared, via) {
    if (id === null ? !undeclared : on[id]) return false;
    if (!told[name]) {
      told[name] = 1;
      if (cfg.v) console.warn('Ent.Consent dropped', via, name, id);
      if (G.onBlocked) G.onBlocked({ name: name, service: id, via: via });
    }
    return true;
  }
  function late(id, end) { return cfg.x.indexOf(id) >= 0 && end != null && !(cfg.d && end <= cfg.d); }

  var desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    enumerable: desc.enumerable,
    get: desc.get,
    set: function (v) {
      var parts = String(v).split(';'), eq = parts[0].indexOf('='), name = eq < 0 ? '' : parts[0].slice(0, eq).trim();
      var end = null, exp = null, keep = [parts[0]], now = Date.now();
      parts.slice(1).forEach(function (a) {
        var k = a.split('=')[0].trim().toLowerCase(), val = a.slice(a.indexOf('=') + 1);
        if (k === 'max-age') end = now + 1000 * val;
        else if (k === 'expires') exp = Date.parse(val);
        else keep.push(a);
      });
      if (end === null || isNaN(end)) end = isNaN(exp) ? null : exp;
      // Deletions pass; no visit pushes an exempt end forward.
      if (end === null || end > now) {
        var id = owner(cfg.c, name);
        if (drop(name, id, cfg.u, 'cookie')) return;
        if (late(id, end)) v = keep.join(';') + (cfg.d ? '; expires=' + new Date(cfg.d).toUTCString() : '');
      }
      desc.set.call(this, v);
    }
  });

  if (w.CookieStore) {
    var set = CookieStore.prototype.set;
    CookieStore.prototype.set = function (a, b) {
      var o = a && typeof a === 'object' ? Object.assign({}, a) : { name: a, value: b }, x = o.expires;
      if (x == null || x > Date.now()) {
        var id = owner(cfg.c, String(o.name));
        if (drop(String(o.name), id, cfg.u, 'cookieStore')) return Promise.resolve();
        if (late(id, x)) o.expires = cfg.d || undefined;
      }
      return set.call(this, o);
    };
  }

  // Undeclared keys pass: they are the host's own.
  var setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) {
    if (!drop(String(k), owner(cfg.s, String(k)), false, 'storage')) setItem.call(this, k, v);
  };

  // The widget calls update before releasing scripts.
  G.update = function (state) {
    var s = state.services;
    allow(Object.keys(s).filter(function (id) { return s[id].allowed; }));
  };
  allow(cfg.a);
  d.addEventListener('entconsent:change', function (e) { G.update(e.detail); });
})();
