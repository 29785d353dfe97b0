// A long list of people in a <select data-filter="…"> gets a search box above it: typing
// part of a name keeps only the matching people in the list (a phone's picker has no
// search of its own). Without this script the plain list still works.

const LONG_LIST = 12;

for (const select of document.querySelectorAll("select[data-filter]")) {
  const everyone = Array.from(select.options);
  if (everyone.length < LONG_LIST) continue;
  const search = document.createElement("input");
  search.type = "search";
  search.autocomplete = "off";
  search.className = "select-filter";
  search.placeholder = select.dataset.filter;
  search.setAttribute("aria-label", select.dataset.filter);
  search.dataset.testid = "member-filter";
  select.before(search);
  search.addEventListener("input", () => {
    const wanted = search.value.trim();
    const matches = everyone.filter((option) => option.value && option.text.includes(wanted));
    // The empty choice stays first, so that nobody is chosen by accident.
    select.replaceChildren(...everyone.filter((option) => !option.value), ...matches);
    select.value = wanted && matches.length === 1 ? matches[0].value : "";
  });
}
