// The stored-query page: lists the catalogue, runs a query with its parameters, shows its rows.
// Everything comes from this server (/api/queries, /sparql); nothing is loaded from elsewhere.
"use strict";

const COMPACT = [
  ["emkg:", "https://w3id.org/emkg/"],
  ["obo:", "http://purl.obolibrary.org/obo/"],
  ["xsd:", "http://www.w3.org/2001/XMLSchema#"],
];

function compact(iri) {
  for (const [prefix, ns] of COMPACT) if (iri.startsWith(ns)) return prefix + iri.slice(ns.length);
  return iri;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);  // text is added as text, never parsed as HTML
  return node;
}

function cell(term) {
  if (!term) return el("td", {});
  if (term.type === "uri") return el("td", {title: term.value}, compact(term.value));
  return el("td", {}, term.value);
}

function showRows(json) {
  const results = document.getElementById("results");
  results.replaceChildren();
  const vars = json.head.vars;
  const table = el("table", {id: "result-table"},
    el("thead", {}, el("tr", {}, ...vars.map(v => el("th", {}, v)))),
    el("tbody", {}, ...json.results.bindings.map(row => el("tr", {}, ...vars.map(v => cell(row[v]))))));
  results.append(table);
  document.getElementById("status").textContent = `${json.results.bindings.length} rows`;
}

async function run(query, form) {
  const status = document.getElementById("status");
  status.className = "";
  status.textContent = "running ...";
  const params = new URLSearchParams();
  for (const input of form.querySelectorAll("[name]")) if (input.value !== "") params.set(input.name, input.value);
  const response = await fetch(`/api/queries/${encodeURIComponent(query.name)}?${params}`,
                               {headers: {Accept: "application/sparql-results+json"}});
  if (!response.ok) {
    status.className = "error";
    status.textContent = `${response.status}: ${await response.text()}`;
    return;
  }
  showRows(await response.json());
}

function select(query, button) {
  document.querySelectorAll("#query-list button").forEach(b => b.classList.remove("selected"));
  button.classList.add("selected");
  document.getElementById("detail").hidden = false;
  document.getElementById("query-name").textContent = query.name;
  document.getElementById("query-question").textContent = query.question;
  document.getElementById("results").replaceChildren();
  document.getElementById("status").textContent = "";
  const form = document.getElementById("query-form");
  form.replaceChildren();
  for (const p of query.params) {
    let input;
    if (p.allowed.length) {
      input = el("select", {name: p.name}, ...p.allowed.map(a => el("option", {value: a}, a)));
      if (p.default) input.value = p.default;
    } else {
      input = el("input", {name: p.name, placeholder: p.default || `(${p.type}, optional)`});
    }
    form.append(el("label", {title: p.doc}, el("span", {}, p.name), input, el("small", {}, " " + p.doc)));
  }
  const runButton = el("button", {type: "submit", id: "run"}, "Run");
  form.append(runButton);
  form.onsubmit = event => { event.preventDefault(); run(query, form); };
}

async function loadCatalogue() {
  const list = document.getElementById("query-list");
  const queries = await (await fetch("/api/queries")).json();
  for (const query of queries) {
    const button = el("button", {type: "button", "data-query": query.name}, query.name,
                      el("small", {}, query.summary));
    button.onclick = () => select(query, button);
    list.append(el("li", {}, button));
  }
}

function startEditor() {
  const Yasgui = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  if (!Yasgui) return;
  const endpoint = new URL("/sparql", window.location.href).href;
  document.getElementById("endpoint").textContent = endpoint;
  new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {endpoint: endpoint, method: "POST"},
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: {getData: () => [{endpoint: endpoint}], keys: []},
  });
}

loadCatalogue();
startEditor();
