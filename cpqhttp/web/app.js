// The reference web interface of cpqkit: a small single-page application
// over the JSON API, with no build step and no dependencies. Every rule is
// the server's: this page shows what the API answers and sends what the
// user chooses.
import { messages } from "./i18n.js";

// An explicit choice of language wins over the browser's.
const state = {
  lang: localStorage.getItem("cpq.lang") || ((navigator.language || "en").startsWith("zh") ? "zh-CN" : "en"),
  me: null,
};

// t returns the interface's word for key in the current language.
export function t(key, vars = {}) {
  const s = (messages[state.lang] || messages.en)[key] ?? messages.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

// h builds an element; strings become text, never HTML.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// ApiError is a problem+json answer of the API.
class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// api calls the API with the browser's credentials and returns the JSON
// answer (and its ETag), or throws an ApiError.
async function api(method, path, body, headers = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (!res.ok) {
    if (res.status === 401) signIn();
    throw new ApiError(res.status, data || {});
  }
  return { data, etag: res.headers.get("ETag") };
}

function signIn() {
  const login = document.body.dataset.login;
  if (login) {
    location.href = login + "?next=" + encodeURIComponent(location.pathname + location.hash);
  } else {
    view(h("div", { class: "card" }, t("auth.signin")));
  }
}

let toastTimer;
function toast(msg, bad = false) {
  const el = document.getElementById("toast");
  el.textContent = msg;
  el.className = bad ? "bad" : "";
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, bad ? 6000 : 2500);
}

function fail(err) {
  console.error(err);
  toast(problemText(err) || (err && err.message) || t("err.generic"), true);
}

// problemText is the interface's own sentence for an API problem the user
// can meet, in a language other than English (in English the server's
// detail says more), or "".
function problemText(err) {
  const code = err && err.problem && err.problem.code;
  if (!code || state.lang === "en") return "";
  return (messages[state.lang] || {})["problem." + code.replaceAll(".", "_")] || "";
}

function view(...children) {
  const main = document.getElementById("view");
  main.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

// money shows an amount such as "8680.00 USD" or a bare number with the
// quote's currency.
function money(v, currency) {
  if (v === undefined || v === null) return "";
  const s = String(v);
  const m = s.match(/^(-?[\d.]+)\s*([A-Z]{3})?$/);
  if (!m) return s;
  const cur = m[2] || currency;
  const n = Number(m[1]);
  try {
    return new Intl.NumberFormat(state.lang, cur ? { style: "currency", currency: cur } : { maximumFractionDigits: 2 }).format(n);
  } catch {
    return s;
  }
}

// localText picks the current language from a catalog text, which the API
// gives as a string or as an object by language.
function localText(x) {
  if (x === undefined || x === null) return "";
  if (typeof x === "string") return x;
  return x[state.lang] || x.en || Object.values(x)[0] || "";
}

function statusBadge(s) {
  return h("span", { class: "status " + s, "data-status": s }, t("status." + s));
}

// ---- Routing ---------------------------------------------------------

const routes = [
  [/^#?\/?$/, products],
  [/^#\/s\/([\w-]+)$/, configure],
  [/^#\/quotes$/, quotes],
  [/^#\/q\/([\w-]+)$/, quotePage],
  [/^#\/inbox$/, inbox],
];

async function route() {
  const hash = location.hash || "#/";
  for (const a of document.querySelectorAll("[data-nav]")) {
    const nav = a.dataset.nav;
    a.classList.toggle("on", (nav === "configure" && (hash === "#/" || hash.startsWith("#/s/"))) ||
      (nav === "quotes" && (hash.startsWith("#/quotes") || hash.startsWith("#/q/"))) || (nav === "inbox" && hash === "#/inbox"));
  }
  for (const [re, fn] of routes) {
    const m = hash.match(re);
    if (m) {
      try { await fn(...m.slice(1)); } catch (e) { fail(e); }
      return;
    }
  }
  location.hash = "#/";
}

function translateStatic() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
}

async function start() {
  const sel = document.getElementById("lang");
  sel.value = state.lang;
  sel.addEventListener("change", () => {
    state.lang = sel.value;
    localStorage.setItem("cpq.lang", state.lang);
    translateStatic();
    route();
  });
  translateStatic();
  try {
    state.me = (await api("GET", "/v1/me")).data;
  } catch (e) {
    if (e.status !== 401) fail(e);
    return;
  }
  document.getElementById("user").textContent = state.me.user;
  window.addEventListener("hashchange", route);
  refreshInboxCount();
  await route();
}

async function refreshInboxCount() {
  try {
    const { data } = await api("GET", "/v1/approvals/inbox");
    const b = document.getElementById("inbox-count");
    b.textContent = data.items.length;
    b.hidden = data.items.length === 0;
  } catch { /* the count is a convenience */ }
}

// ---- Products ----------------------------------------------------------

async function products() {
  const { data } = await api("GET", "/v1/products?lang=" + encodeURIComponent(state.lang));
  const list = (data.products || data || []).filter((p) => p.configurable);
  view(
    h("h1", {}, t("products.title")),
    list.length === 0 ? h("p", { class: "muted" }, t("products.none")) :
      h("div", { class: "products" }, list.map((p) =>
        h("div", { class: "card" },
          h("h2", {}, p.name || p.sku),
          h("p", { class: "muted small" }, p.sku),
          p.description ? h("p", {}, p.description) : null,
          h("button", { "data-product": p.sku, onclick: () => newSession(p.sku) }, t("products.configure"))))),
  );
}

async function newSession(sku) {
  try {
    const { data } = await api("POST", "/v1/sessions", { product: sku });
    location.hash = "#/s/" + data.id;
  } catch (e) { fail(e); }
}

// ---- The configurator ---------------------------------------------------

// forms caches each product's form (labels, values in catalog order) per
// language.
const forms = new Map();

async function productForm(sku) {
  const key = sku + "|" + state.lang;
  if (!forms.has(key)) {
    const { data } = await api("GET", "/v1/products/" + encodeURIComponent(sku) + "?lang=" + encodeURIComponent(state.lang));
    forms.set(key, indexForm(data));
  }
  return forms.get(key);
}

// indexForm turns a product's form into lookups: the label of every
// variable and value, every value in catalog order, and which variables
// are options of a feature group.
function indexForm(form) {
  const idx = { form, label: {}, values: {}, valueLabel: {}, unit: {}, group: {}, groups: [] };
  for (const a of form.attributes || []) {
    idx.label[a.id] = a.label || a.name || a.id;
    idx.unit[a.id] = a.unit || "";
    idx.values[a.id] = (a.values || []).map((v) => (typeof v === "string" ? v : v.id ?? v.value));
    // An integer range lists its values, so that those ruled out show.
    if (!idx.values[a.id].length && a.type === "integer" && a.min !== undefined && a.max !== undefined) {
      const lo = Number(a.min), hi = Number(a.max), step = Number(a.step || 1);
      if (step > 0 && (hi - lo) / step <= 100) {
        for (let x = lo; x <= hi; x += step) idx.values[a.id].push(String(x));
      }
    }
    idx.valueLabel[a.id] = {};
    for (const v of a.values || []) {
      if (typeof v !== "string") idx.valueLabel[a.id][v.id ?? v.value] = v.label || v.name || v.id || v.value;
    }
  }
  for (const g of form.features || form.feature_groups || []) {
    const group = { id: g.id, label: g.label || g.name || g.id, min: g.min, max: g.max, options: [] };
    for (const o of g.options || []) {
      idx.label[o.id] = o.label || o.name || o.id;
      idx.group[o.id] = group;
      group.options.push(o.id);
    }
    idx.groups.push(group);
  }
  idx.answerLabel = {};
  for (const qn of form.questionnaires || []) {
    for (const st of qn.steps || []) {
      for (const q of st.questions || []) {
        idx.answerLabel[q.id] = {};
        for (const o of q.options || []) idx.answerLabel[q.id][o.id] = o.label;
        idx.unit["answer:" + q.id] = q.unit || "";
      }
    }
  }
  return idx;
}

function varLabel(idx, v) {
  if (v.startsWith("qty.")) return t("config.quantity") + " · " + (idx.label[v.slice(4)] || v.slice(4));
  return idx.label[v] || v;
}

function valueLabel(idx, v, value) {
  if (value === "true" || value === "false") return t(value === "true" ? "config.yes" : "config.no");
  return (idx.valueLabel[v] && idx.valueLabel[v][value]) || value + (idx.unit[v] ? " " + idx.unit[v] : "");
}

// The open "why?" panel: which variable and value it explains.
let openWhy = null;

async function configure(sid) {
  const { data: sess } = await api("GET", "/v1/sessions/" + sid);
  const idx = await productForm(sess.product);
  renderSession(sid, sess, idx);
}

function renderSession(sid, sess, idx) {
  const domains = new Map(sess.domains.map((d) => [d.var, d]));
  const priceCard = h("div", { class: "card", id: "price" }, h("h2", {}, t("price.title")), h("p", { class: "muted" }, "…"));
  const qtyInput = h("input", { type: "number", min: "1", step: "1", value: sessionQty.get(sid) || "1", id: "line-qty", "aria-label": t("config.quantity") });
  qtyInput.addEventListener("change", () => { sessionQty.set(sid, qtyInput.value); updatePrice(sid, sess, priceCard); });

  const change = async (method, path, body) => {
    try {
      const { data } = await api(method, "/v1/sessions/" + sid + path + "?lang=" + encodeURIComponent(state.lang), body);
      openWhy = null;
      renderSession(sid, data, idx);
    } catch (e) {
      const ex = e.problem && e.problem.code === "config.not_available" && e.problem.explanation;
      const block = ex && body && body.var && document.querySelector(`[data-var="${CSS.escape(body.var)}"]`);
      if (block) showWhy(block, idx, body.var, body.value, ex);
      else if (ex) toast(ex.text || e.message, true);
      else fail(e);
    }
  };

  const varBlock = (d) => {
    const v = d.var;
    const open = sess.choices.length; // for keys only
    const chosen = d.chosen || "";
    const clear = chosen ? h("button", { class: "clear", "data-clear": v, onclick: () => change("DELETE", "/choices/" + encodeURIComponent(v)) }, t("config.clear")) : null;
    const head = h("div", { class: "var-head" }, h("span", { class: "var-name" }, varLabel(idx, v)), clear);
    const block = h("div", { class: "var", "data-var": v, "data-open": open });
    if (d.min !== undefined || d.max !== undefined) {
      const input = h("input", { type: "number", value: chosen, min: d.min, max: d.max, placeholder: `${d.min ?? ""} – ${d.max ?? ""}` });
      input.addEventListener("change", () => input.value ? change("POST", "/choices", { var: v, value: input.value }) : change("DELETE", "/choices/" + encodeURIComponent(v)));
      block.append(head, h("div", { class: "chips" }, input));
      return block;
    }
    let all = idx.values[v] && idx.values[v].length ? [...idx.values[v]] : [...d.values];
    if (v.startsWith("qty.") || (all.length === 0)) all = [...d.values];
    for (const x of d.values) if (!all.includes(x)) all.push(x);
    if (chosen && !all.includes(chosen)) all.push(chosen);
    const chips = h("div", { class: "chips" });
    for (const value of all) {
      const isChosen = chosen === value;
      // The other values of a chosen variable are offered as changes:
      // the server says whether one can be made, and why not.
      const available = d.values.includes(value) || (chosen !== "" && !isChosen);
      const chip = h("button", {
        class: "chip" + (isChosen ? " chosen" : "") + (available ? "" : " off"),
        "data-value": value,
        "aria-pressed": isChosen ? "true" : "false",
        title: available ? "" : t("config.why"),
        "aria-expanded": !available && openWhy && openWhy.var === v && openWhy.value === value ? "true" : undefined,
      }, valueLabel(idx, v, value));
      chip.addEventListener("click", () => {
        if (isChosen) change("DELETE", "/choices/" + encodeURIComponent(v));
        else if (available) change("POST", "/choices", { var: v, value });
        else explain(sid, idx, v, value, block);
      });
      chips.append(chip);
    }
    block.append(head, chips);
    return block;
  };

  // Attributes first, then each feature group's options with their
  // quantities.
  const inGroup = new Set(Object.keys(idx.group));
  const attrs = h("div", { class: "card", id: "attributes" });
  for (const d of sess.domains) {
    if (inGroup.has(d.var) || (d.var.startsWith("qty.") && inGroup.has(d.var.slice(4)))) continue;
    attrs.append(varBlock(d));
  }
  const groups = idx.groups.map((g) => {
    const card = h("div", { class: "card", "data-group": g.id }, h("h2", {}, g.label));
    for (const o of g.options) {
      if (domains.has(o)) card.append(varBlock(domains.get(o)));
      const q = domains.get("qty." + o);
      if (q && domains.get(o) && domains.get(o).chosen === "true") card.append(varBlock(q));
    }
    return card;
  });

  const open = sess.domains.filter((d) => !d.chosen).length;
  const actions = h("div", { class: "row" },
    h("button", { class: "ghost", id: "undo", disabled: sess.can_undo === false, onclick: () => change("POST", "/undo") }, t("config.undo")),
    h("span", { class: "muted small", id: "progress" }, sess.complete ? t("config.done") : t("config.open", { n: open })),
  );

  const customer = h("input", { id: "customer", value: t("quote.customerDefault"), "aria-label": t("quote.customer") });
  const create = h("button", { id: "create-quote", onclick: () => createQuote(sid, sess, customer.value) }, t("quote.create"));

  const side = h("div", { class: "side" }, priceCard,
    h("div", { class: "card" },
      h("label", { class: "field" }, t("config.quantity"), qtyInput),
      h("label", { class: "field" }, t("quote.customer"), customer),
      h("div", { class: "row mt" }, create)));

  const left = h("div", {},
    h("div", { id: "questionnaire" }),
    h("div", { id: "packages" }),
    h("div", { class: "card" }, actions),
    attrs, ...groups,
    h("div", { id: "suggestions" }));
  view(h("h1", {}, idx.form.name || sess.product), h("div", { class: "grid two" }, left, side));
  if (openWhy) explain(sid, idx, openWhy.var, openWhy.value, document.querySelector(`[data-var="${CSS.escape(openWhy.var)}"]`));
  updatePrice(sid, sess, priceCard);
  renderQuestionnaire(sid, idx, change);
  renderPackages(sid, idx, change);
  renderSuggestions(sid, idx, change);
}

// sessionQty remembers the quantity typed for each session.
const sessionQty = new Map();

async function explain(sid, idx, v, value, block) {
  if (!block) return;
  try {
    const { data } = await api("GET", `/v1/sessions/${sid}/explain?var=${encodeURIComponent(v)}&value=${encodeURIComponent(value)}&lang=${encodeURIComponent(state.lang)}`);
    showWhy(block, idx, v, value, data);
  } catch (e) { fail(e); }
}

// showWhy shows under a variable why one of its values cannot be chosen:
// an explanation as the API gives it (the choices and rules in the way,
// and a sentence).
function showWhy(block, idx, v, value, data) {
  block.querySelector(".why")?.remove();
  openWhy = { var: v, value };
  for (const c of block.querySelectorAll(".chip")) c.setAttribute("aria-expanded", c.dataset.value === value ? "true" : "false");
  const items = [];
  for (const c of data.choices || []) items.push(h("li", {}, `${varLabel(idx, c.var)} = ${valueLabel(idx, c.var, c.value)}`));
  for (const r of data.rules || []) items.push(h("li", { class: "muted" }, localText(r.Message ?? r.message) || r.ID || r.id || ""));
  block.append(h("div", { class: "why", role: "note" },
    h("strong", {}, `${valueLabel(idx, v, value)}: ${t("config.notAvailable")}. `),
    h("span", { class: "why-text" }, data.text || ""),
    (data.choices || []).length ? h("div", { class: "small muted" }, t("config.dropHint")) : null,
    items.length ? h("ul", {}, items) : null));
}

// updatePrice prices the configuration as it stands (defaults fill what
// is not chosen) and shows the totals and the waterfall.
async function updatePrice(sid, sess, card) {
  const values = {};
  for (const c of sess.choices) values[c.var] = c.value;
  const qty = sessionQty.get(sid) || "1";
  try {
    const { data } = await api("POST", "/v1/price", { lines: [{ id: "1", product: sess.product, quantity: String(qty), values }] });
    const tot = data.totals;
    const rows = [];
    for (const l of data.lines) {
      rows.push(h("tr", {}, h("th", {}, l.product + " × " + l.quantity), h("th", { class: "num" }, money(l.net))));
      for (const s of l.steps || []) {
        rows.push(h("tr", { class: "step" },
          h("td", {}, h("span", { class: "step-kind" }, t("kind." + s.kind)), " ", h("span", { class: "muted" }, s.reason || "")),
          h("td", { class: "num" }, money(s.after))));
      }
    }
    card.replaceChildren(
      h("h2", {}, t("price.title")),
      h("div", { class: "price-total", id: "price-total" }, money(tot.net)),
      h("table", {},
        h("tr", {}, h("td", {}, t("price.list")), h("td", { class: "num" }, money(tot.list))),
        h("tr", {}, h("td", {}, t("price.discount")), h("td", { class: "num" }, money(tot.discount))),
        tot.margin_percent !== undefined ? h("tr", {}, h("td", {}, t("price.margin")), h("td", { class: "num" }, money(tot.margin) + " (" + tot.margin_percent + " %)")) : null),
      h("h3", {}, t("price.waterfall")),
      h("table", { class: "waterfall" }, rows));
  } catch (e) {
    card.replaceChildren(h("h2", {}, t("price.title")), h("p", { class: "muted" }, e.message || t("price.unavailable")));
  }
}

// hiddenQuestions remembers the sessions whose questionnaire the user put
// away.
const hiddenQuestions = new Set();

async function renderQuestionnaire(sid, idx, change) {
  const box = document.getElementById("questionnaire");
  let data;
  try {
    ({ data } = await api("GET", `/v1/sessions/${sid}/questionnaire?lang=${encodeURIComponent(state.lang)}`));
  } catch { return; } // a product without a questionnaire
  if (!box || !data || !data.id) return;
  const answered = (data.questions || []).filter((q) => q.status === "answered");
  const answers = answered.length ? h("ul", { class: "steps small" }, answered.map((q) => h("li", { "data-answered": q.question },
    `${q.text} `, h("strong", {}, answerText(idx, q.question, q.answer)), " ",
    h("button", { class: "clear", onclick: () => change("DELETE", "/answers/" + encodeURIComponent(q.question)) }, t("q.change"))))) : null;
  const toggle = h("button", { class: "clear", onclick: () => {
    if (hiddenQuestions.has(sid)) hiddenQuestions.delete(sid); else hiddenQuestions.add(sid);
    renderQuestionnaire(sid, idx, change);
  } }, t(hiddenQuestions.has(sid) ? "q.show" : "q.hide"));
  const head = h("div", { class: "spread" }, h("h2", {}, data.name || t("q.title")), toggle);
  const q = data.next;
  if (hiddenQuestions.has(sid)) {
    box.replaceChildren(h("div", { class: "card question" }, head));
    return;
  }
  if (!q) {
    box.replaceChildren(h("div", { class: "card question" }, head, answers, h("p", { class: "muted" }, t("q.done"))));
    return;
  }
  const answer = (values) => change("POST", "/answers", { question: q.id, values });
  let control;
  if (q.type === "number") {
    const input = h("input", { type: "number", min: q.min, max: q.max, "data-number": q.id, "aria-label": q.text });
    control = h("div", { class: "row" }, input, q.unit ? h("span", { class: "muted" }, q.unit) : null,
      h("button", { "data-ok": q.id, onclick: () => input.value && answer([String(input.value)]) }, t("q.ok")));
  } else if (q.type === "multiple") {
    const picked = new Set();
    control = h("div", {},
      h("div", { class: "chips" }, (q.options || []).map((o) => {
        const chip = h("button", { class: "chip" + (o.available ? "" : " off"), "data-answer": o.id, disabled: !o.available, title: conflictText(idx, o.conflict) }, o.text || o.id);
        chip.addEventListener("click", () => {
          if (picked.has(o.id)) picked.delete(o.id); else picked.add(o.id);
          chip.classList.toggle("chosen", picked.has(o.id));
        });
        return chip;
      })),
      h("div", { class: "row mt" }, h("button", { "data-ok": q.id, onclick: () => picked.size && answer([...picked]) }, t("q.ok"))));
  } else {
    control = h("div", { class: "chips" }, (q.options || []).map((o) =>
      h("button", { class: "chip" + (o.available ? "" : " off"), "data-answer": o.id, disabled: !o.available, title: conflictText(idx, o.conflict), onclick: () => answer([o.id]) }, o.text || o.id)));
  }
  box.replaceChildren(h("div", { class: "card question", "data-question": q.id },
    head,
    answers,
    h("p", {}, (q.step_name ? q.step_name + " · " : ""), h("strong", {}, q.text || q.id)),
    q.help ? h("p", { class: "muted small" }, q.help) : null,
    control));
}

// answerText shows an answer given: its options or its number.
function answerText(idx, question, a) {
  if (!a) return "";
  const labels = idx.answerLabel[question] || {};
  if (a.options && a.options.length) return a.options.map((o) => labels[o] || o).join(", ");
  return `${a.number ?? ""} ${idx.unit["answer:" + question] || ""}`.trim();
}

// conflictText says which choices stand in the way of an answer.
function conflictText(idx, c) {
  if (!c) return "";
  return [...(c.drop || []).map((d) => `${varLabel(idx, d.var)} = ${valueLabel(idx, d.var, d.value)}`), ...(c.clear || [])].join("; ");
}

async function renderPackages(sid, idx, change) {
  const box = document.getElementById("packages");
  let data;
  try { ({ data } = await api("GET", `/v1/sessions/${sid}/packages?lang=${encodeURIComponent(state.lang)}`)); } catch { return; }
  const list = (data && (data.packages || data)) || [];
  if (!box || !list.length) return;
  box.replaceChildren(h("div", { class: "card" }, h("h2", {}, t("config.packages")),
    h("div", { class: "chips" }, list.map((p) => h("button", {
      class: "chip" + (p.applicable === false ? " off" : ""), "data-package": p.id,
      title: p.description || "", onclick: () => change("POST", "/packages/" + encodeURIComponent(p.id)),
    }, (p.name || p.label || p.id))))));
}

async function renderSuggestions(sid, idx, change) {
  const box = document.getElementById("suggestions");
  let data;
  try { ({ data } = await api("GET", `/v1/sessions/${sid}/suggestions?lang=${encodeURIComponent(state.lang)}`)); } catch { return; }
  const list = (data && (data.suggestions || data)) || [];
  if (!box || !list.length) return;
  box.replaceChildren(h("div", { class: "card" }, h("h2", {}, t("config.suggestions")),
    h("ul", { class: "steps" }, list.map((s) => h("li", { "data-suggestion": s.id },
      localText(s.reason), " ",
      h("button", { class: "ghost", onclick: () => change("POST", `/suggestions/${encodeURIComponent(s.id)}/accept`) }, t("config.accept")), " ",
      h("button", { class: "clear", onclick: () => change("POST", `/suggestions/${encodeURIComponent(s.id)}/dismiss`) }, t("config.dismiss")))))));
}

async function createQuote(sid, sess, customer) {
  try {
    let values = sess.choices;
    if (!sess.complete) {
      const { data } = await api("POST", `/v1/sessions/${sid}/complete`);
      values = data.values;
    }
    const name = customer.trim() || t("quote.customerDefault");
    const body = {
      title: name,
      // A new customer of the interface's own: the host's CRM names its
      // accounts when it makes quotes from opportunities.
      account: { id: "ACC-" + randomHex(8), name },
      lines: [{ id: "1", product: sess.product, quantity: String(sessionQty.get(sid) || "1"), configuration: values.map((c) => ({ var: c.var, value: c.value })) }],
    };
    const { data } = await api("POST", "/v1/quotes", body);
    location.hash = "#/q/" + data.id;
  } catch (e) { fail(e); }
}

// randomHex returns n random bytes in hexadecimal (crypto.getRandomValues
// works on plain HTTP too, unlike crypto.randomUUID).
function randomHex(n) {
  return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- Quotes ---------------------------------------------------------------

async function quotes() {
  const { data } = await api("GET", "/v1/quotes");
  const list = data.quotes || [];
  view(h("h1", {}, t("quote.list")),
    list.length === 0 ? h("p", { class: "muted" }, t("quote.none")) :
      h("div", { class: "card" }, h("table", {},
        list.map((q) => h("tr", {},
          h("td", {}, h("a", { href: "#/q/" + q.id }, q.number)),
          h("td", {}, (q.account && q.account.name) || q.title || ""),
          h("td", {}, statusBadge(q.status)),
          h("td", { class: "num" }, money(q.net, q.currency)))))));
}

// editableLines is what a quote's lines are as a request: the lines the
// user made, without the ones pricing derives.
function editableLines(q) {
  return q.lines.filter((l) => !l.derived).map((l) => ({
    id: l.id, product: l.product, name: l.name || undefined, quantity: l.quantity,
    configuration: l.configuration, adjustment: l.adjustment || {},
  }));
}

async function quotePage(id) {
  const { data: q, etag } = await api("GET", "/v1/quotes/" + id);
  const cur = q.header.currency;
  const draft = q.status === "draft";
  const discInputs = new Map();
  const lineRows = q.lines.map((l) => {
    let disc = "";
    if (!l.derived) {
      const input = h("input", { type: "number", min: "0", max: "100", step: "0.5", value: (l.adjustment && l.adjustment.discount_percent) || "", "data-line": l.id, disabled: !draft, "aria-label": t("quote.disc") });
      discInputs.set(l.id, input);
      disc = input;
    }
    return h("tr", { "data-line": l.id },
      h("td", {}, l.name || l.product, l.parent ? h("div", { class: "muted small" }, "↳ " + l.parent) : null),
      h("td", { class: "num" }, l.quantity),
      h("td", { class: "num hide-phone" }, money(l.price && l.price.unit_price, cur)),
      h("td", { class: "num" }, disc),
      h("td", { class: "num" }, money(l.price && l.price.net_total, cur)));
  });
  const save = h("button", { id: "save", disabled: !draft, onclick: async () => {
    const lines = editableLines(q);
    for (const l of lines) {
      const v = discInputs.get(l.id)?.value;
      l.adjustment = v ? { discount_percent: String(v) } : {};
    }
    try {
      await api("PUT", "/v1/quotes/" + id, { title: q.header.title, account: q.header.account, currency: cur, lines }, { "If-Match": etag });
      toast(t("quote.saved"));
      route();
    } catch (e) { fail(e); }
  } }, t("quote.save"));

  const approvalsCard = h("div", { class: "card", id: "approvals" }, h("h2", {}, t("quote.approvals")));
  const docLang = state.lang;
  const docURL = (fmt) => `/v1/quotes/${id}/document?format=${fmt}&lang=${encodeURIComponent(docLang)}`;
  view(
    h("h1", {}, `${t("quote.number")} ${q.number} `, statusBadge(q.status), h("span", { class: "muted small" }, ` ${t("quote.revision")} ${q.revision}`)),
    h("div", { class: "grid two" },
      h("div", {},
        h("div", { class: "card" },
          h("div", { class: "spread" }, h("h2", {}, q.header.account.name), h("span", { class: "muted small" }, q.header.owner)),
          h("table", { class: "lines" },
            h("tr", {}, h("th", {}, t("quote.product")), h("th", { class: "num" }, t("quote.qty")), h("th", { class: "num hide-phone" }, t("quote.unit")), h("th", { class: "num" }, t("quote.disc")), h("th", { class: "num" }, t("quote.total"))),
            lineRows,
            h("tr", {}, h("th", { colspan: "4" }, t("price.net")), h("th", { class: "num", id: "quote-total" }, money(q.totals.grand || q.totals.net, cur)))),
          draft ? h("div", { class: "row mt" }, save) : null),
        h("div", { class: "card" },
          h("div", { class: "spread" }, h("h2", {}, t("quote.document")),
            h("div", { class: "row" },
              h("a", { class: "button ghost", href: docURL("html"), target: "_blank", rel: "noopener" }, t("quote.preview")),
              h("a", { class: "button", id: "download", href: docURL("pdf"), download: `${q.number}.pdf` }, t("quote.download")))),
          h("iframe", { class: "doc", src: docURL("html"), title: t("quote.document"), sandbox: "" }))),
      h("div", { class: "side" }, approvalsCard)));
  renderApprovals(q, approvalsCard);
}

async function renderApprovals(q, card) {
  const id = q.id;
  const parts = [h("h2", {}, t("quote.approvals"))];
  const act = (label, path, okMsg, attrs = {}) => h("button", { ...attrs, onclick: async () => {
    try { await api("POST", `/v1/quotes/${id}/${path}`); toast(okMsg); refreshInboxCount(); route(); } catch (e) { fail(e); }
  } }, label);
  let approvals = [];
  try { ({ data: approvals } = await api("GET", `/v1/quotes/${id}/approvals?lang=${encodeURIComponent(state.lang)}`)); approvals = approvals.approvals || approvals || []; } catch { approvals = []; }
  const current = approvals.length ? approvals[approvals.length - 1] : null;
  if (q.status === "draft" || q.status === "rejected") {
    const { data: p } = await api("GET", `/v1/quotes/${id}/approvals/preview?lang=${encodeURIComponent(state.lang)}`);
    const steps = p.steps || [];
    if (steps.length === 0) {
      parts.push(h("p", {}, t("quote.noApproval")), act(t("quote.present"), "present", t("quote.presented"), { id: "present" }));
    } else {
      parts.push(h("p", {}, t("quote.needs")),
        h("ul", { class: "steps" }, steps.map((s) => h("li", { "data-step": s.id || s.step }, h("strong", {}, s.name || s.id), " ", h("span", { class: "muted small" }, s.reason || (s.trigger && s.trigger.condition) || "")))),
        act(t("quote.submit"), "submit", t("quote.submitted"), { id: "submit" }));
    }
  }
  if (current) {
    parts.push(h("p", {}, statusBadge(current.status)),
      h("ul", { class: "steps" }, (current.steps || []).map((s) => h("li", { "data-step": s.id },
        h("strong", {}, s.name || s.id), " ", statusBadge(s.status || "pending"), " ",
        h("span", { class: "muted small" }, (s.decisions || []).map((d) => `${d.approver || d.user || ""}${d.comment ? ": " + d.comment : ""}`).join("; "))))));
    if (q.status === "in_review") parts.push(act(t("quote.recall"), "recall", t("quote.recall"), { class: "ghost", id: "recall" }));
  }
  if (q.status === "approved") parts.push(act(t("quote.present"), "present", t("quote.presented"), { id: "present" }));
  card.replaceChildren(...parts);
}

// ---- The approver's inbox -------------------------------------------------

// quoteSummary shows what an approver decides on: the customer, the lines
// with their discounts, the total and the margin.
async function quoteSummary(id, box) {
  try {
    const { data: q } = await api("GET", "/v1/quotes/" + id);
    const cur = q.header.currency;
    box.replaceChildren(
      h("div", { class: "spread" }, h("strong", {}, q.header.account.name), h("strong", { class: "num" }, money(q.totals.grand || q.totals.net, cur))),
      h("table", {}, q.lines.filter((l) => !l.derived).map((l) => h("tr", {},
        h("td", {}, `${l.name || l.product} × ${l.quantity}`),
        h("td", { class: "num" }, l.adjustment && l.adjustment.discount_percent ? `−${l.adjustment.discount_percent} %` : ""),
        h("td", { class: "num" }, money(l.price && l.price.net_total, cur))))),
      q.totals.margin !== undefined ? h("p", { class: "muted" }, `${t("price.margin")}: ${money(q.totals.margin, cur)}`) : null);
  } catch { /* the decision does not need it */ }
}

async function inbox() {
  const { data } = await api("GET", "/v1/approvals/inbox?lang=" + encodeURIComponent(state.lang));
  const items = data.items || [];
  refreshInboxCount();
  view(h("h1", {}, t("inbox.title")),
    items.length === 0 ? h("p", { class: "muted" }, t("inbox.none")) :
      items.map((it) => {
        const comment = h("textarea", { "aria-label": t("inbox.comment"), placeholder: t("inbox.comment") });
        const decide = async (verb) => {
          if (verb === "reject" && !comment.value.trim()) { toast(t("inbox.needComment"), true); return; }
          const body = { seal: it.seal, comment: comment.value.trim() || undefined };
          if (it.assignee && it.assignee !== state.me.user) body.on_behalf_of = it.assignee;
          try {
            await api("POST", `/v1/quotes/${it.quote}/steps/${encodeURIComponent(it.step)}/${verb}`, body);
            toast(t(verb === "approve" ? "inbox.approved" : "inbox.rejected"));
            route();
          } catch (e) { fail(e); }
        };
        const summary = h("div", { class: "small" });
        quoteSummary(it.quote, summary);
        return h("div", { class: "card", "data-item": it.quote + "/" + it.step },
          h("div", { class: "spread" }, h("h2", {}, `${it.number} · ${it.name || it.step}`), statusBadge("pending")),
          it.reason ? h("p", {}, it.reason) : null,
          summary,
          h("p", { class: "muted small" }, `${t("inbox.from")} ${it.submitter}`, it.assignee !== state.me.user ? ` · ${t("inbox.for")} ${it.assignee}` : ""),
          h("p", {}, h("a", { href: `/v1/quotes/${it.quote}/document?format=html&lang=${encodeURIComponent(state.lang)}`, target: "_blank", rel: "noopener" }, t("inbox.open"))),
          comment,
          h("div", { class: "row mt" },
            h("button", { "data-approve": it.step, onclick: () => decide("approve") }, t("inbox.approve")),
            h("button", { class: "danger", "data-reject": it.step, onclick: () => decide("reject") }, t("inbox.reject"))));
      }));
}

start();
