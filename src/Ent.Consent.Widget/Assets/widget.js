/* Ent.Consent widget: banner, preference centre (fetched when opened), blocked content, withdrawal. No dependency.
   Hooks and API: docs/widget.md. */
(function () {
  'use strict';
  var d = document, w = window, A = 'data-ent-consent';
  var cfgEl = d.getElementById('ent-consent-config'), P = w.EntConsentPolicy;
  if (!cfgEl || !P || w.EntConsent) return;
  var cfg = Object.assign({}, P.widget, JSON.parse(cfgEl.textContent));
  var state = cfg.state, listeners = [], opener = null, W = cfg.wire, warned = {};
  var banner = d.querySelector('[' + A + '-banner]');
  var dialog, loading;
  var SEL = 'script[type="text/plain"][' + A + '],iframe[' + A + '],img[' + A + ']';

  function each(root, sel, fn) { Array.prototype.forEach.call(root.querySelectorAll(sel), fn); }
  function allowed(id) { var s = state.services[id]; return s ? s.allowed : cfg.essential.indexOf(id) >= 0; }
  function matches(pattern, name) {
    return pattern.slice(-1) === '*' ? name.indexOf(pattern.slice(0, -1)) === 0 : pattern === name;
  }
  function fill(text, id) {
    var s = cfg.services[id] || { n: id, p: id };
    return text.replace('{service}', s.n).replace('{provider}', s.p);
  }

  // Blocked content: <script type="text/plain" data-ent-consent="id">, <iframe data-ent-consent="id" data-src>, <img … data-src>.
  // An iframe's placeholder is the one the server wrote right before it (RenderPlaceholder), else one made here.
  function handle(el) {
    var id = el.getAttribute(A);
    if (!state.services[id] && !warned[id] && w.console) {
      warned[id] = true;
      console.warn('Ent.Consent: ' + A + '="' + id + '" names no declared service, so it stays blocked; declare it or fix the id.');
    }
    if (el.tagName === 'SCRIPT') {
      if (!allowed(id)) return;
      var s = d.createElement('script');
      Array.prototype.forEach.call(el.attributes, function (a) {
        if (a.name !== 'type' && a.name !== A && a.name !== 'data-type' && a.name !== 'nonce') s.setAttribute(a.name, a.value);
      });
      if (el.getAttribute('data-type')) s.type = el.getAttribute('data-type');
      s.nonce = el.nonce;
      s.text = el.text;
      el.parentNode.replaceChild(s, el);
      return;
    }
    if (el.tagName === 'IMG') {
      // An image (a gateway-held pixel or picture) has no placeholder: its address comes back when allowed.
      if (allowed(id) && el.getAttribute('data-src')) el.src = el.getAttribute('data-src');
      return;
    }
    var ph = el.previousElementSibling;
    ph = ph && ph.getAttribute(A + '-placeholder') === id ? ph : null;
    if (allowed(id)) {
      if (ph) ph.remove();
      el.hidden = false;
      if (el.getAttribute('data-src') && el.getAttribute('src') !== el.getAttribute('data-src')) el.src = el.getAttribute('data-src');
      return;
    }
    if (el.getAttribute('src')) el.removeAttribute('src');
    el.hidden = true;
    if (ph) return;
    ph = d.createElement('div');
    ph.className = 'ec ec-placeholder';
    ph.setAttribute(A + '-placeholder', id);
    ph.setAttribute('role', 'group');
    ph.lang = cfg.lang;
    ph.dir = cfg.dir;
    ph.setAttribute('aria-label', fill('{service}', id));
    var p = d.createElement('p'), b = d.createElement('button');
    p.textContent = fill(cfg.texts.blocked, id);
    b.type = 'button';
    b.className = 'ec-btn';
    b.setAttribute(A + '-allow', id);
    b.textContent = fill(cfg.texts.allow, id);
    ph.appendChild(p);
    ph.appendChild(b);
    el.parentNode.insertBefore(ph, el);
  }
  function scan(root) {
    if (root.matches && root.matches(SEL)) handle(root);
    each(root, SEL, handle);
  }

  // Withdrawal: delete what script can reach; the server expires the HttpOnly cookies in the same response.
  function wipe(id) {
    var s = cfg.services[id];
    if (!s) return;
    d.cookie.split(/; */).forEach(function (c) {
      var name = c.split('=')[0];
      s.k.forEach(function (k) {
        if (!matches(k[0], name)) return;
        var base = name + '=; Max-Age=0; Path=' + k[1];
        d.cookie = base;
        if (k[2]) d.cookie = base + '; Domain=' + k[2];
      });
    });
    [w.localStorage, w.sessionStorage].forEach(function (store) {
      try {
        for (var i = store.length - 1; i >= 0; i--) {
          var key = store.key(i);
          if (s.s.some(function (p) { return matches(p, key); })) store.removeItem(key);
        }
      } catch (e) { /* storage disabled */ }
    });
  }

  function apply(next) {
    var before = state;
    state = next;
    // The guard first: a script released below may write at once.
    if (w.EntConsentGuard) w.EntConsentGuard.update(next);
    Object.keys(cfg.services).forEach(function (id) {
      var was = before.services[id], now = next.services[id];
      if (was && was.allowed && !(now && now.allowed)) wipe(id);
    });
    sync();
    scan(d);
    if (dialog && dialog.open) dialog.close();
    if (banner && !next.pending && !banner.hidden) {
      var inside = banner.contains(d.activeElement);
      banner.hidden = true;
      if (inside) focusAfter();
    }
    listeners.slice().forEach(function (fn) { fn(next); });
    d.dispatchEvent(new CustomEvent('entconsent:change', { detail: next }));
  }
  function sync() {
    each(d, 'input[' + A + '-service]', function (i) {
      var s = state.services[i.getAttribute(A + '-service')];
      if (s) i.checked = s.allowed || !!s.waiting;
    });
  }
  function focusAfter() {
    var m = d.querySelector('[' + A + '-action="open"]');
    if (m) m.focus(); else d.body.focus();
  }

  function token() {
    var t = d.querySelector('input[name="' + CSS.escape(cfg.antiforgery.field) + '"]');
    return t ? t.value : '';
  }
  function post(body) {
    // No token in the page: the dialog has one.
    if (cfg.antiforgery.header && !token() && !dialog) return load().then(function () { return post(body); });
    var headers = { 'Content-Type': 'application/json' };
    if (cfg.antiforgery.header) headers[cfg.antiforgery.header] = token();
    return fetch(cfg.endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: headers,
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) throw new Error('Ent.Consent: ' + r.status);
      return r.json();
    }).then(function (next) {
      // The cookie is set: a new page brings a policy that lets the newly allowed hosts in.
      if (needsNewPage(next)) w.location.reload(); else apply(next);
    });
  }
  // A service this page's enforced Content-Security-Policy keeps out is now allowed.
  function needsNewPage(next) {
    return (cfg.reload || []).some(function (id) { return next.services[id] && next.services[id].allowed; });
  }

  function query() { return '?returnUrl=' + encodeURIComponent(location.pathname + location.search) + '&lang=' + cfg.lang; }
  function load() {
    loading = loading || fetch(cfg.dialog + query()).then(function (r) {
      if (!r.ok) throw new Error('Ent.Consent: ' + r.status);
      return r.text();
    }).then(function (html) {
      d.body.insertAdjacentHTML('beforeend', html);
      dialog = d.body.lastElementChild;
      dialog.addEventListener('close', function () {
        var back = banner && !banner.hidden ? opener : null;
        if (back && back.isConnected && !back.closest('[hidden]')) back.focus(); else if (!banner || banner.hidden) focusAfter();
      });
    });
    return loading;
  }
  function open(from) {
    opener = from || d.activeElement;
    load().then(function () { sync(); dialog.showModal(); }, function () { location.href = cfg.preferences + query(); });
    return true;
  }

  d.addEventListener('submit', function (e) {
    var f = e.target, b = e.submitter;
    if (!f.hasAttribute(A + '-form') || !b || !b.value) return;
    e.preventDefault();
    var body = {}, services = {};
    body[W.action] = b.value;
    if (f.getAttribute(A + '-channel')) body[W.channel] = f.getAttribute(A + '-channel');
    if (b.value === W.save) {
      each(f, 'input[' + A + '-service]', function (i) { services[i.getAttribute(A + '-service')] = i.checked; });
      body[W.services] = services;
    }
    post(body).catch(function () {
      // Let the server answer the plain form post instead.
      var h = d.createElement('input');
      h.type = 'hidden';
      h.name = W.action;
      h.value = b.value;
      f.appendChild(h);
      f.submit();
    });
  });

  d.addEventListener('click', function (e) {
    var t = e.target.closest && e.target.closest('[' + A + '-action],[' + A + '-allow]');
    if (!t) return;
    var a = t.getAttribute(A + '-action'), id = t.getAttribute(A + '-allow');
    if ((a === 'customize' || a === 'open') && open(t)) e.preventDefault();
    else if (a === 'close' && dialog) { e.preventDefault(); dialog.close(); }
    else if (a === 'dismiss') { var n = t.closest('[' + A + '-notice]'); if (n) n.remove(); }
    else if (id) {
      // A server-rendered placeholder's button also submits its form: the script posts instead.
      e.preventDefault();
      var body = {}, services = {};
      services[id] = true;
      body[W.action] = W.save;
      body[W.channel] = W.preferenceCentre;
      body[W.services] = services;
      post(body).catch(function () {
        // A server-rendered placeholder's form: let the server answer the plain post instead.
        if (t.form) t.form.requestSubmit(t);
      });
    }
  });

  // A page restored from the back-forward cache shows the choice of when it was left, perhaps another user's: ask the
  // server again. If something allowed then is not now, or a choice is asked again, scripts may already run: reload.
  w.addEventListener('pageshow', function (e) {
    if (!e.persisted) return;
    fetch(cfg.endpoint, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error('Ent.Consent: ' + r.status);
        return r.json();
      })
      .then(function (next) {
        var shrinks = needsNewPage(next) || (next.pending && !state.pending) || Object.keys(state.services).some(function (id) {
          return state.services[id].allowed && !(next.services[id] && next.services[id].allowed);
        });
        apply(next);
        if (shrinks) w.location.reload();
      })
      .catch(function () { w.location.reload(); });
  });

  w.EntConsent = {
    /** The current state, in the shape of GET {prefix}. */
    get state() { return state; },
    /** Whether the service may run now. */
    isAllowed: allowed,
    /** Opens the preference centre (fetched when first opened). */
    open: function () { return open(null); },
    /** Calls fn(state) after each change; returns a function that unsubscribes. */
    onChange: function (fn) {
      listeners.push(fn);
      return function () { listeners = listeners.filter(function (l) { return l !== fn; }); };
    }
  };

  scan(d);
  new MutationObserver(function (records) {
    records.forEach(function (r) {
      Array.prototype.forEach.call(r.addedNodes, function (n) { if (n.nodeType === 1) scan(n); });
    });
  }).observe(d.documentElement, { childList: true, subtree: true });
  // The account notice's dismiss button works only with script, so only script shows it.
  Array.prototype.forEach.call(d.querySelectorAll('[' + A + '-notice] [' + A + '-action="dismiss"]'), function (b) { b.hidden = false; });
  if (banner && !banner.hidden) banner.focus();
})();
