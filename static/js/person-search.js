// A member picker that asks the server as you type (issue 16): a team of 2,000 sends no
// 2,000-row list. Each .person-search holds a text field (name, pinyin such as "wxy" or
// "wangxiuying", or the phone's last 4 digits), a hidden field for the chosen person's id and
// an empty list; typing fetches at most 20 matches from data-search-url and shows them as
// buttons; tapping one fills the hidden field. Without this script the typed text is sent
// and the server finds the person or says why it cannot.

const WAIT_MS = 200;

function setUp(box) {
  const input = box.querySelector(".person-search-input");
  const chosen = box.querySelector(".person-search-chosen");
  const list = box.querySelector(".person-search-results");
  let timer = null;
  let asked = 0;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  list.id = list.id || `${input.id}_results`;
  input.setAttribute("aria-controls", list.id);

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
  }

  function pick(person) {
    chosen.value = String(person.id);
    input.value = person.label;
    box.dataset.chosen = "true";
    close();
    input.focus();
  }

  function show(results) {
    const items = results.map((person) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "person-search-option";
      button.setAttribute("role", "option");
      button.dataset.testid = "person-search-option";
      button.textContent = person.label;
      button.addEventListener("click", () => pick(person));
      item.append(button);
      return item;
    });
    if (!items.length) {
      const item = document.createElement("li");
      item.className = "muted person-search-none";
      item.textContent = box.dataset.none;
      items.push(item);
    }
    list.replaceChildren(...items);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  async function ask(text) {
    const mine = ++asked;
    const url = new URL(box.dataset.searchUrl, window.location.href);
    url.searchParams.set("q", text);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const body = await response.json();
      // An older answer arriving after a newer question is dropped.
      if (mine === asked && input.value.trim() === text) show(body.results);
    } catch {
      // Offline: the typed text is still sent with the form and found on the server.
    }
  }

  input.addEventListener("input", () => {
    // Typing again forgets the earlier choice: the text and the id never disagree.
    chosen.value = "";
    delete box.dataset.chosen;
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text) {
      asked++;
      close();
      return;
    }
    timer = setTimeout(() => ask(text), WAIT_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && !list.hidden) {
      const first = list.querySelector("button");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === "Escape") {
      close();
    }
  });

  list.addEventListener("keydown", (event) => {
    const buttons = Array.from(list.querySelectorAll("button"));
    const at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < buttons.length - 1) {
      event.preventDefault();
      buttons[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? buttons[at - 1] : input).focus();
    } else if (event.key === "Escape") {
      close();
      input.focus();
    }
  });
}

for (const box of document.querySelectorAll(".person-search[data-search-url]")) setUp(box);
