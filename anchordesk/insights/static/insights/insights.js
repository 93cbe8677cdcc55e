// Typing a date in the dashboard filters means a custom range: select it, so the dates are used.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-custom-range")) return;
  const range = input.form && input.form.querySelector('select[name="range"]');
  if (range) range.value = "custom";
});
