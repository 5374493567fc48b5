// The workspace's only script (served by the app; pages run no inline script).
// A click anywhere on an account row opens the account; "別の企業 ID にリンク" needs an id.
document.addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-href]");
  if (row && !event.target.closest("a, button, input, select")) {
    window.location.href = row.dataset.href;
  }
});
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.value === "other") {
    const input = event.target.querySelector("input[name=company_id]");
    if (input && !input.value.trim()) {
      event.preventDefault();
      input.focus();
    }
  }
});
