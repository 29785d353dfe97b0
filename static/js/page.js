// The few things pages do with script, without inline handlers (the site's
// Content-Security-Policy allows scripts from this site's files only).
// <button data-print> prints the page; <form data-confirm="..."> asks first.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
