// Read a cookie banner and related controls in one frame, without changing the page's state
// (apart from marking found elements with data-privacygap-* attributes so Python can click
// or screenshot them). Runs as `(args) => …` via Playwright's frame.evaluate.
//
// args.mode: "banner" | "toggles" | "withdraw" | "forms" | "links" | "legal" | "storage"
//            | "chat" (chat-widget markers in a page) | "chatread" (what a widget frame shows)
// args.cfg:  {roots, settings_roots, reopen, banner, withdraw_prefilter}  (from banners.yaml)
//
// Text classification (roles, wording) happens in Python, whose regular expressions know
// that "ä" is a letter; this script only finds elements and measures them. Every search is
// bounded by a time budget so a page with a 200,000-node DOM still answers.
(args) => {
  const cfg = args.cfg || {};
  const started = performance.now();
  const budgetMs = args.budget_ms || 1500;
  const overBudget = () => performance.now() - started > budgetMs;
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();

  // All open shadow roots under a node (closed ones are unreachable by design).
  // Finding shadow roots means visiting every element: do it once per root and call.
  const shadowCache = new Map();
  function shadowRoots(root) {
    if (shadowCache.has(root)) return shadowCache.get(root);
    const found = [];
    shadowCache.set(root, found);
    const stack = [root];
    let seen = 0;
    while (stack.length && seen < 200000 && !overBudget()) {
      const node = stack.pop();
      const all = node.querySelectorAll ? node.querySelectorAll("*") : [];
      for (const el of all) {
        seen++;
        if (el.shadowRoot) { found.push(el.shadowRoot); stack.push(el.shadowRoot); }
      }
    }
    return found;
  }
  function deepQueryAll(root, selector) {
    const out = [];
    for (const scope of [root, ...shadowRoots(root)]) {
      try { out.push(...scope.querySelectorAll(selector)); } catch (e) { /* bad selector */ }
    }
    return out;
  }
  function parentOf(el) {
    if (el.parentElement) return el.parentElement;
    const root = el.getRootNode && el.getRootNode();
    return root && root.host ? root.host : null;
  }
  function visible(el) {
    if (!el || !el.getBoundingClientRect) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || s.display === "none" || parseFloat(s.opacity) === 0) return false;
    for (let p = el, i = 0; p && i < 30; p = parentOf(p), i++) {
      const ps = getComputedStyle(p);
      if (ps.display === "none" || parseFloat(ps.opacity) === 0) return false;
    }
    return true;
  }
  function isOverlay(el) {
    const s = getComputedStyle(el);
    if (s.position === "fixed" || s.position === "sticky") return true;
    if (el.tagName === "DIALOG" && el.open) return true;
    const role = el.getAttribute && el.getAttribute("role");
    return (role === "dialog" || role === "alertdialog") && el.getAttribute("aria-modal") === "true";
  }
  function deepText(el) {
    let text = el.innerText || "";
    for (const sr of shadowRoots(el)) {
      for (const child of sr.children) text += " " + (child.innerText || "");
    }
    if (el.shadowRoot) for (const child of el.shadowRoot.children) text += " " + (child.innerText || "");
    return norm(text);
  }
  function effectiveBackground(el) {
    for (let p = el, i = 0; p && i < 40; p = parentOf(p), i++) {
      const bg = getComputedStyle(p).backgroundColor;
      const m = bg.match(/rgba?\(([^)]+)\)/);
      if (m) {
        const parts = m[1].split(",").map((x) => parseFloat(x));
        if (parts.length < 4 || parts[3] > 0.05) return bg;
      }
    }
    return "rgb(255, 255, 255)";
  }
  function label(el) {
    const text = norm(el.innerText || el.textContent);
    return text || norm(el.getAttribute("aria-label")) || norm(el.value) || norm(el.getAttribute("title"))
      || norm(el.querySelector && el.querySelector("img[alt]") && el.querySelector("img[alt]").alt);
  }
  const CONTROL = "button, a[href], a[onclick], [role=button], [role=link], input[type=button], input[type=submit], [onclick], [tabindex]";

  function controlsIn(root, layer) {
    const controls = [];
    const seen = new Set();
    for (const el of [root, ...deepQueryAll(root, CONTROL)]) {
      if (el === root && !el.matches(CONTROL)) continue;
      if (seen.has(el) || controls.length >= 40) continue;
      // A control that contains another control is a wrapper: keep the inner one.
      if (el !== root && el.querySelector && el.querySelector("button, a[href], [role=button]")) continue;
      if (!visible(el)) continue;
      const text = label(el);
      if (!text || text.length > 120) continue;
      seen.add(el);
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      const ownBg = s.backgroundColor;
      const transparent = /rgba\([^)]*,\s*0\)$/.test(ownBg) || ownBg === "transparent";
      const bordered = parseFloat(s.borderTopWidth) > 0 && s.borderTopStyle !== "none";
      const tag = el.tagName.toLowerCase();
      let element = "other";
      if (tag === "button" || tag === "input" || el.getAttribute("role") === "button") element = "button";
      if (tag === "a" || el.getAttribute("role") === "link") element = "link";
      // A link painted as a button (background or border) counts as a button for WEB003.
      if (element === "link" && (!transparent || bordered)) element = "button";
      if (element === "other" && (!transparent || bordered)) element = "button";
      const parent = el.parentElement;
      const inParagraph = !!(parent && /^(P|SPAN|LI|SMALL)$/.test(parent.tagName)
        && norm(parent.innerText).length > text.length + 20);
      const index = (window.__privacygapControls = (window.__privacygapControls || 0) + 1);
      el.setAttribute("data-privacygap-control", String(index));
      controls.push({
        id: index, text, element, tag, layer, in_paragraph: inParagraph,
        aria_label: norm(el.getAttribute("aria-label")),
        width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10,
        font_size: parseFloat(s.fontSize), font_weight: s.fontWeight,
        color: s.color, background: transparent ? effectiveBackground(el) : ownBg,
        href: el.getAttribute("href") || "",
      });
    }
    return controls;
  }

  function findRoots() {
    const roots = [];
    for (const sel of cfg.roots || []) {
      for (const el of deepQueryAll(document, sel)) {
        if (visible(el)) roots.push({el, how: "selector:" + sel});
      }
      if (roots.length) break;
    }
    if (roots.length) return roots;
    // Unknown banner: a fixed or sticky element (or modal dialog) whose text has cookie wording.
    const pattern = new RegExp(cfg.banner || "cookie", "i");
    const checked = new Set();
    const scopes = [document.body, ...shadowRoots(document.body || document)];
    for (const scope of scopes) {
      if (!scope) continue;
      const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
      let node;
      let count = 0;
      while ((node = walker.nextNode())) {
        if (++count % 500 === 0 && overBudget()) break;
        if (!node.nodeValue || node.nodeValue.length < 6 || !pattern.test(node.nodeValue)) continue;
        for (let p = node.parentElement || parentOf(node.parentNode || node), i = 0; p && i < 25; p = parentOf(p), i++) {
          if (checked.has(p)) break;
          checked.add(p);
          if (p === document.body || p === document.documentElement) break;
          if (isOverlay(p) && visible(p)) { roots.push({el: p, how: "heuristic"}); break; }
        }
      }
    }
    // A consent manager in its own iframe: the frame itself is the overlay (its parent
    // positions it), so its body is the banner when it talks about cookies.
    if (!roots.length && window !== window.top && document.body && pattern.test(document.body.innerText || "")
        && visible(document.body)) {
      roots.push({el: document.body, how: "iframe"});
    }
    return roots;
  }

  function toggleInfo(el, layer) {
    const isInput = el.tagName === "INPUT";
    const checked = isInput ? el.checked : el.getAttribute("aria-checked") === "true";
    const disabled = isInput ? el.disabled : el.getAttribute("aria-disabled") === "true";
    let text = "";
    if (el.labels && el.labels.length) text = norm(Array.from(el.labels).map((l) => l.innerText).join(" "));
    if (!text) text = norm(el.getAttribute("aria-label"));
    const ids = el.getAttribute("aria-labelledby");
    if (!text && ids) text = norm(ids.split(/\s+/).map((id) => (document.getElementById(id) || {}).innerText || "").join(" "));
    // The section of the toggle: the largest ancestor that holds no other toggle; its text
    // names the category and, in most CMPs, the services and cookies filed under it.
    let section = el;
    for (let p = parentOf(el), i = 0; p && i < 8; p = parentOf(p), i++) {
      if (p.querySelectorAll("input[type=checkbox], [role=switch], [role=checkbox]").length > 1) break;
      section = p;
    }
    const sectionText = deepText(section).slice(0, 1500);
    if (!text) text = sectionText.slice(0, 200);
    const index = (window.__privacygapControls = (window.__privacygapControls || 0) + 1);
    el.setAttribute("data-privacygap-control", String(index));
    return {id: index, label: text.slice(0, 300), section: sectionText, checked: !!checked,
            disabled: !!disabled, layer, name: el.getAttribute("name") || el.id || ""};
  }
  const TOGGLE = "input[type=checkbox], [role=switch], [role=checkbox]";

  if (args.mode === "banner") {
    const roots = findRoots();
    if (!roots.length) return {found: false};
    // Prefer the candidate with the most controls (a cookie wall beats a sticky header).
    let best = null;
    for (const r of roots) {
      const controls = controlsIn(r.el, 1);
      const score = controls.length + (r.how.startsWith("selector") ? 100 : 0);
      if (!best || score > best.score) best = {root: r, controls, score};
    }
    document.querySelectorAll("[data-privacygap-banner]").forEach((e) => e.removeAttribute("data-privacygap-banner"));
    best.root.el.setAttribute("data-privacygap-banner", "1");
    const rect = best.root.el.getBoundingClientRect();
    const toggles = deepQueryAll(best.root.el, TOGGLE).filter((t) => visible(t) || visible(parentOf(t)))
      .map((t) => toggleInfo(t, 1));
    return {
      found: true, how: best.root.how, text: deepText(best.root.el).slice(0, 5000),
      controls: best.controls, toggles,
      rect: {x: rect.x, y: rect.y, width: rect.width, height: rect.height},
      viewport: {width: innerWidth, height: innerHeight},
    };
  }

  if (args.mode === "toggles") {
    // Settings layer: toggles inside a known settings layer, else inside any overlay.
    const out = [];
    const seen = new Set();
    const scopes = [];
    for (const sel of (cfg.settings_roots || []).concat(cfg.roots || [])) {
      for (const el of deepQueryAll(document, sel)) if (visible(el)) scopes.push(el);
    }
    for (const t of deepQueryAll(document, TOGGLE)) {
      for (let p = parentOf(t), i = 0; p && i < 30; p = parentOf(p), i++) {
        if (isOverlay(p) && visible(p)) { scopes.push(p); break; }
      }
    }
    for (const scope of scopes) {
      for (const t of deepQueryAll(scope, TOGGLE)) {
        if (seen.has(t) || out.length >= 60) continue;
        seen.add(t);
        out.push(toggleInfo(t, 2));
      }
    }
    const controls = [];
    const seenScopes = new Set();
    for (const scope of scopes) {
      if (seenScopes.has(scope)) continue;
      seenScopes.add(scope);
      controls.push(...controlsIn(scope, 2));
    }
    return {toggles: out, controls};
  }

  if (args.mode === "withdraw") {
    const hits = [];
    for (const sel of cfg.reopen || []) {
      for (const el of deepQueryAll(document, sel)) {
        if (visible(el)) hits.push({text: label(el) || sel, selector: sel});
      }
    }
    const prefilter = new RegExp(cfg.withdraw_prefilter || "cookie", "i");
    for (const el of deepQueryAll(document, "a, button, [role=button], [onclick]")) {
      if (overBudget() || hits.length > 20) break;
      const text = label(el);
      if (text && text.length < 80 && prefilter.test(text) && !el.closest("[data-privacygap-banner]") && visible(el)) {
        hits.push({text, selector: ""});
      }
    }
    return {hits};
  }

  if (args.mode === "forms") {
    const forms = [];
    const personal = /e-?mail|phone|tel|name|vorname|nachname|firma|company|nachricht|message/i;
    // Forms inside a chat widget are the chat's pre-chat form: reported as the chat (WEB012).
    const excludeForms = (args.exclude || []).join(", ");
    for (const form of deepQueryAll(document, "form")) {
      if (forms.length >= 20) break;
      if (excludeForms) { try { if (form.closest(excludeForms)) continue; } catch (e) { /* bad selector */ } }
      const inputs = Array.from(form.querySelectorAll("input, textarea, select"));
      const fields = inputs.filter((i) => i.type === "email" || i.type === "tel"
        || personal.test((i.name || "") + " " + (i.id || "") + " " + (i.getAttribute("autocomplete") || "")));
      if (!fields.length) continue;
      const links = [];
      let scope = form;
      for (let i = 0; i < 3 && scope; i++, scope = parentOf(scope)) {
        for (const a of scope.querySelectorAll("a[href]")) links.push({text: label(a), href: a.href});
        if (i === 0) continue;
        if (scope.querySelectorAll("form").length > 1) break;
      }
      const checkboxes = Array.from(form.querySelectorAll("input[type=checkbox]")).map((c) => {
        const info = toggleInfo(c, 0);
        return {label: info.label, checked: c.defaultChecked || c.checked, name: info.name};
      });
      let action = form.getAttribute("action") ? form.action : "";
      const klass = (form.className && String(form.className)) || "";
      forms.push({action, id: form.id || "", klass, fields: fields.map((f) => f.name || f.id || f.type).slice(0, 12),
                  links: links.slice(0, 20), checkboxes, text: norm(form.innerText).slice(0, 600),
                  page: location.href});
    }
    return {forms};
  }

  if (args.mode === "links") {
    const out = [];
    for (const a of document.querySelectorAll("a[href]")) {
      if (out.length >= 300) break;
      out.push({href: a.href, text: norm(a.innerText).slice(0, 80)});
    }
    return {links: out};
  }

  if (args.mode === "legal") {
    // Links to the privacy statement and the imprint (POL001). args.legal carries the link
    // texts and path pieces of crawlers/keywords/links.yaml; plain lower-case substring tests
    // need no word boundaries, so matching here is as good as in Python. With args.measure
    // (banner open, before consent) each candidate is scrolled into view and hit-tested and
    // focused; scroll position and focus are restored in the same task, so the page never
    // renders the scrolled state and scroll-to-consent scripts see the original position.
    const legal = args.legal || {};
    const invisible = /[\u00ad\u200b\u200c\u200d\u2060\ufeff]/g;
    const low = (s) => norm((s || "").replace(invisible, "")).toLowerCase();
    const excluded = legal.exclude || [];
    // Both kinds may match one link ("Impressum & Datenschutz" on small sites).
    function linkKinds(el) {
      const text = low(el.innerText || el.textContent) || low(el.getAttribute("aria-label")) || low(el.getAttribute("title"));
      if (excluded.some((w) => text.includes(w))) return [];
      let path = "";
      try { path = decodeURIComponent(new URL(el.href, location.href).pathname).toLowerCase(); } catch (e) { path = ""; }
      return ["privacy", "imprint"].filter((kind) => {
        const spec = legal[kind] || {};
        return (spec.texts || []).some((w) => text.includes(w)) || (spec.path_tokens || []).some((w) => path.includes(w));
      });
    }
    // Rendered = takes up space and is not visibility:hidden. Opacity is ignored on purpose:
    // footers that fade in on scroll are there all the same.
    function rendered(el) {
      if (!el.getClientRects().length) return false;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) return false;
      return getComputedStyle(el).visibility !== "hidden";
    }
    function describe(el) {
      if (!el || !el.tagName) return "nothing";
      let out = el.tagName.toLowerCase();
      if (el.id) out += "#" + el.id;
      else if (typeof el.className === "string" && el.className.trim()) {
        out += "." + el.className.trim().split(/\s+/).slice(0, 2).join(".");
      } else {
        // Neither id nor class: its text tells a reader which element it is.
        const text = norm(el.innerText || el.getAttribute("aria-label") || "").slice(0, 40);
        if (text) out += " \"" + text + "\"";
      }
      return out.slice(0, 80);
    }
    function inBanner(el) {
      for (let p = el, i = 0; p && i < 60; p = parentOf(p), i++) {
        if (p.hasAttribute && p.hasAttribute("data-privacygap-banner")) return true;
      }
      return false;
    }
    function deepElementFromPoint(x, y) {
      let el = document.elementFromPoint(x, y);
      for (let i = 0; el && el.shadowRoot && i < 10; i++) {
        const inner = el.shadowRoot.elementFromPoint(x, y);
        if (!inner || inner === el) break;
        el = inner;
      }
      return el;
    }
    function deepActive() {
      let a = document.activeElement;
      for (let i = 0; a && a.shadowRoot && a.shadowRoot.activeElement && i < 10; i++) a = a.shadowRoot.activeElement;
      return a;
    }
    function within(outer, inner) {
      for (let p = inner, i = 0; p && i < 60; p = parentOf(p), i++) if (p === outer) return true;
      return false;
    }
    function measure(el, out) {
      el.scrollIntoView({block: "center", inline: "nearest", behavior: "instant"});
      // A link that wraps: the centre of its first line box lies on its text.
      const rects = el.getClientRects();
      const box = rects.length ? rects[0] : el.getBoundingClientRect();
      const x = box.left + box.width / 2, y = box.top + box.height / 2;
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) {
        out.clickable = false;
        out.covered_by = "outside the viewport";
      } else {
        const top = deepElementFromPoint(x, y);
        out.clickable = !!top && within(el, top);
        out.covered_by = out.clickable ? null : describe(top);
      }
      // Keyboard: inert or aria-hidden ancestors and a negative tabindex keep the link out of
      // the tab order; a focus trap shows as focus() leaving the focus elsewhere.
      let problem = null;
      for (let p = el, i = 0; p && i < 60 && !problem; p = parentOf(p), i++) {
        if (p.inert || (p.hasAttribute && p.hasAttribute("inert"))) problem = "inert";
        else if (p.getAttribute && p.getAttribute("aria-hidden") === "true") problem = "aria-hidden";
      }
      const tabindex = el.getAttribute("tabindex");
      if (!problem && tabindex !== null && parseInt(tabindex, 10) < 0) problem = "tabindex";
      try { el.focus({preventScroll: true}); } catch (e) { /* detached */ }
      const active = deepActive();
      if (active !== el) {
        problem = problem || "focus_moved";
        out.focus_went_to = describe(active);
      }
      out.focusable = !problem;
      out.focus_problem = problem;
    }
    const found = {privacy: [], imprint: []};
    let total = 0;
    for (const el of deepQueryAll(document, "a[href]")) {
      if (++total > 3000 || overBudget()) break;
      const kinds = linkKinds(el).filter((kind) => found[kind].length < 6);
      if (!kinds.length || !rendered(el)) continue;
      for (const kind of kinds) {
        found[kind].push({el, text: (label(el) || "").slice(0, 80),
                          href: (el.href || el.getAttribute("href") || "").slice(0, 300), in_banner: inBanner(el)});
      }
    }
    if (args.measure) {
      const scroller = document.scrollingElement || document.documentElement;
      const saved = [[scroller, scroller.scrollLeft, scroller.scrollTop]];
      for (const kind of ["privacy", "imprint"]) {
        for (const entry of found[kind]) {
          for (let p = parentOf(entry.el), i = 0; p && i < 60; p = parentOf(p), i++) {
            if (p.scrollHeight > p.clientHeight || p.scrollWidth > p.clientWidth) saved.push([p, p.scrollLeft, p.scrollTop]);
          }
        }
      }
      const before = deepActive();
      try {
        for (const kind of ["privacy", "imprint"]) {
          for (const entry of found[kind]) {
            if (overBudget()) break;
            measure(entry.el, entry);
          }
        }
      } finally {
        for (let i = saved.length - 1; i >= 0; i--) {
          const [el, left, top] = saved[i];
          // "instant": a page with scroll-behavior:smooth would otherwise animate back later.
          try { el.scrollTo({left, top, behavior: "instant"}); } catch (e) { /* gone */ }
        }
        try {
          if (before && before !== document.body && before.focus) before.focus({preventScroll: true});
          else if (deepActive() && deepActive() !== document.body && deepActive().blur) deepActive().blur();
        } catch (e) { /* focus cannot be restored: nothing more to do */ }
      }
    }
    const strip = (list) => list.map(({el, ...rest}) => rest);
    return {privacy: strip(found.privacy), imprint: strip(found.imprint)};
  }

  // What a chat widget shows where it collects data: its text, links and input fields.
  // Visible parts only, so a hidden template of the pre-chat form does not count as shown.
  function readWidget(root) {
    const out = {text: "", links: [], fields: [], inputs: 0, visible: false};
    if (!root) return out;
    out.visible = root === document.body ? true : visible(root);
    out.text = deepText(root).slice(0, 3000);
    const personal = /e-?mail|phone|tel|name|vorname|nachname|firma|company/i;
    for (const a of [...(root.matches && root.matches("a[href]") ? [root] : []), ...deepQueryAll(root, "a[href]")]) {
      if (out.links.length >= 20) break;
      if (visible(a)) out.links.push({text: label(a).slice(0, 120), href: a.href});
    }
    for (const el of deepQueryAll(root, "input, textarea, [contenteditable=true], [contenteditable='']")) {
      if (!visible(el)) continue;
      const type = (el.type || "").toLowerCase();
      if (["hidden", "submit", "button", "checkbox", "radio", "image", "reset"].includes(type)) continue;
      out.inputs++;
      const what = (el.name || "") + " " + (el.id || "") + " " + (el.getAttribute("autocomplete") || "")
        + " " + (el.getAttribute("placeholder") || "") + " " + (el.getAttribute("aria-label") || "");
      if (type === "email" || type === "tel" || personal.test(what)) out.fields.push(norm(el.name || el.id || type).slice(0, 40));
      if (overBudget()) break;
    }
    return out;
  }

  if (args.mode === "chat") {
    // args.widgets: [{vendor, markers: [selectors]}]. Per vendor: the markers present and a
    // reading of the first visible marked element (a same-document widget is read here; an
    // iframe widget is read in its own frame by "chatread"). Script addresses are returned
    // for matching in Python.
    const found = {};
    for (const w of args.widgets || []) {
      const hits = [];
      let reading = null;
      for (const sel of w.markers || []) {
        let els = [];
        try { els = deepQueryAll(document, sel); } catch (e) { els = []; }
        if (!els.length) continue;
        hits.push(sel);
        for (const el of els) {
          if (el.tagName === "IFRAME") continue;
          const r = readWidget(el);
          if (r.visible && (!reading || r.text.length > reading.text.length)) reading = r;
        }
        if (overBudget()) break;
      }
      if (hits.length) found[w.vendor] = {markers: hits, reading};
    }
    const scripts = Array.from(document.scripts).map((s) => s.src).filter(Boolean).slice(0, 300);
    return {found, scripts};
  }

  if (args.mode === "chatread") return readWidget(document.body);

  if (args.mode === "storage") {
    const out = [];
    for (const [area, store] of [["local", "localStorage"], ["session", "sessionStorage"]]) {
      try {
        const s = window[store];
        for (let i = 0; i < s.length && i < 500; i++) out.push({key: s.key(i), area});
      } catch (e) { /* storage blocked (sandboxed frame) */ }
    }
    return {origin: location.origin, items: out};
  }
  return {};
}
