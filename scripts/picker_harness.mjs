// Run Google's region-picker page code (index.js + region-optimizer.js, read from a checkout of
// GoogleCloudPlatform/region-picker, Apache-2.0) under Node with a minimal stand-in for the
// browser: a fake document with the page's sliders, country and product selects, and fetch()
// serving the page's data files. Nothing of the picker is copied into computegeo; this harness
// only drives the page the way a user does (set sliders and countries, fire 'input') and records
// what the page's own code logs as "Results:".
//
// Usage: node picker_harness.mjs CASES.json > RESULTS.json
//   CASES.json: {"page_dir": DIR, "runs": [{"carbon_csv": FILE|null, "cases": [
//                 {"weights": {"carbon": c, "price": p, "latency": l}, "locations": ["DE", ...]}]}]}
//   DIR holds index.js, region-optimizer.js and data/ (regions.json, prices.json, countries.json,
//   products.json, carbon.csv); carbon_csv, when given, replaces data/carbon.csv for that run.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const captured = [];
const realLog = console.log;
console.log = (...args) => {
  if (args[0] === "Results:") captured.push(args[1]);
};
console.warn = () => {};

function element(extra = {}) {
  const listeners = {};
  const el = {
    listeners,
    value: "",
    textContent: "",
    hidden: false,
    disabled: false,
    src: "",
    style: {},
    classList: { add() {}, remove() {} },
    firstChild: null,
    addEventListener(type, fn) {
      (listeners[type] ||= []).push(fn);
    },
    removeChild() {},
    appendChild() {},
    remove() {},
    querySelector() {
      return element();
    },
    ...extra,
  };
  return el;
}

function select(initial) {
  const el = element({ options: [...initial] });
  el.add = (option) => el.options.push(option);
  Object.defineProperty(el, "selectedOptions", {
    get: () => el.options.filter((o) => o.selected),
  });
  Object.defineProperty(el, "selectedIndex", {
    get: () => el.options.findIndex((o) => o.selected),
  });
  return el;
}

function fakeDocument() {
  // index.html order of the sliders: carbon, price, latency; no value attribute -> 5 (midpoint)
  const weights = ["carbon", "price", "latency"].map((name) =>
    element({ name, id: name, value: "5" })
  );
  const current = { text: "Your current location", value: "--current-location--", selected: true };
  const byId = {
    locations: select([current]),
    products: select([]),
    "result-row": { content: { cloneNode: () => element() } },
  };
  return {
    weights,
    byId,
    querySelectorAll: (sel) => (sel === ".weight" ? weights : []),
    querySelector: () => element(),
    createElement: () => element(),
    getElementById: (id) => (byId[id] ||= element({ id })),
  };
}

globalThis.Option = function Option(text, value, defaultSelected = false, selected = false) {
  return { text, value, defaultSelected, selected };
};
globalThis.window = { location: { hash: "" } };
Object.defineProperty(globalThis, "navigator", {
  value: { geolocation: { getCurrentPosition() {} }, share() {} },
  configurable: true,
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function waitForResult(before) {
  for (let i = 0; i < 1000 && captured.length === before; i++) await tick();
  if (captured.length === before) throw new Error("the page produced no result");
  return captured[captured.length - 1];
}

const output = [];
let instance = 0;
for (const run of spec.runs) {
  const dataDir = join(spec.page_dir, "data");
  globalThis.fetch = async (url) => {
    const file = url === "data/carbon.csv" && run.carbon_csv ? run.carbon_csv : join(spec.page_dir, url);
    const text = readFileSync(file, "utf8");
    return { text: async () => text, json: async () => JSON.parse(text) };
  };
  const doc = fakeDocument();
  globalThis.document = doc;
  const before = captured.length;
  // a fresh module instance per run, so the page fetches this run's carbon file
  instance += 1;
  await import(pathToFileURL(join(spec.page_dir, "index.js")).href + `?run=${instance}`);
  await waitForResult(before); // the page's own first recommendation at load time
  const locationSelect = doc.byId.locations;
  const results = [];
  for (const c of run.cases) {
    for (const input of doc.weights) input.value = String(c.weights[input.name]);
    const wanted = new Set(c.locations);
    for (const option of locationSelect.options) {
      option.selected =
        option.value !== "--current-location--" && wanted.has(JSON.parse(option.value).country);
    }
    const order = locationSelect.options
      .filter((o) => o.selected)
      .map((o) => JSON.parse(o.value).country);
    const n = captured.length;
    for (const fn of doc.weights[0].listeners.input) fn({ target: doc.weights[0] });
    const res = await waitForResult(n);
    results.push({
      weights: c.weights,
      locations: order,
      ranking: res.sorted.map((r) => r.region),
      scores: res.sorted.map((r) => r.score),
      missing: res.missingData.map((r) => r.region),
    });
  }
  output.push({ carbon_csv: run.carbon_csv, results });
  void dataDir;
}
realLog(JSON.stringify({ node: process.versions.node, runs: output }));
