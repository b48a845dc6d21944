// Read a cookie banner and related controls in one frame, without changing the page's state
// (apart from marking found elements with data-privacygap-* attributes so Python can click
// or screenshot them). Runs as `(args) => …` via Playwright's frame.evaluate.
//
// args.mode: "banner" | "toggles" | "withdraw" | "forms" | "links" | "storage"
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
    for (const form of deepQueryAll(document, "form")) {
      if (forms.length >= 20) break;
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
