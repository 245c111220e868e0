// The SPARQL query page: YASGUI on this server's endpoint, and the menu of ready queries.
// Its configuration comes from the JSON block the page carries, so the page needs no inline script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const config = JSON.parse(document.getElementById("query-ui-config").textContent);
  const endpoint = new URL(config.endpoint, window.location.href).href;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    persistenceId: "atlas-ld-" + endpoint,
    // No class/property suggestions: they would be fetched from outside, which the page does not allow.
    yasqe: { value: config.defaultQuery, autocompleters: ["prefixes", "variables"] },
    yasr: { prefixes: config.prefixes },
  });

  // Compact cells: an amount reads 112285, not "112285"^^xsd:decimal, and IRIs read as prefixed names. (The
  // bundled YASGUI has no chart plugin: its upstream one loads Google Charts from outside, which the page forbids.)
  const compact = (tab) => {
    const table = tab && tab.getYasr() && tab.getYasr().plugins.table;
    if (table) table.persistentConfig = { ...table.persistentConfig, compact: true };
  };
  compact(yasgui.getTab());
  yasgui.on("tabSelect", (_, tabId) => compact(yasgui.getTab(tabId)));
  yasgui.on("tabAdd", (_, tabId) => compact(yasgui.getTab(tabId)));

  document.querySelectorAll("button.ready-query").forEach((button) => {
    button.addEventListener("click", () => {
      const query = config.queries[button.dataset.query];
      const tab = yasgui.getTab();
      tab.setEndpoint(endpoint);
      tab.setName(query.title);
      tab.setQuery(query.text);
      tab.getYasqe().query();
    });
  });
});
