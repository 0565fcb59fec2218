// The course's own controls (helpers/widgets/controls.py): a native range input and a
// native select, each with a visible <label> that is also its accessible name.
//
// data-lm-suppress-shortcuts on the focusable element itself (Lumino stops looking for a
// shortcut at the first element that has it): JupyterLab's notebook shortcuts (ArrowUp and
// ArrowDown move between cells) would otherwise take the arrow keys from the control.

let nextId = 0;

function labelled(el, kind, control, description) {
  el.classList.add("course-control", `course-${kind}`);
  control.setAttribute("data-lm-suppress-shortcuts", "true");
  control.id = `course-${kind}-${++nextId}`;
  const label = document.createElement("label");
  label.htmlFor = control.id;
  label.textContent = description;
  el.append(label, control);
  return label;
}

function renderSlider({ model, el }) {
  const input = document.createElement("input");
  input.type = "range";
  input.min = "0";
  input.step = "1";
  const label = labelled(el, "slider", input, model.get("description"));
  const output = document.createElement("output");
  output.htmlFor = input.id;
  output.setAttribute("aria-hidden", "true"); // the value is spoken through aria-valuetext
  el.append(output);

  // What the readout shows and a screen reader says: "learning rate 0.107, stable below 0.333".
  const show = (text) => {
    output.textContent = text;
    input.setAttribute("aria-valuetext", `${model.get("description")} ${text}${model.get("meaning")}`);
  };
  const sync = () => {
    label.textContent = model.get("description");
    input.max = String(model.get("texts").length - 1);
    input.value = String(model.get("index"));
    input.disabled = model.get("disabled");
    el.style.width = model.get("width");
    show(model.get("value_text"));
  };
  const choose = (index) => {
    const last = model.get("texts").length - 1;
    index = Math.max(0, Math.min(last, index));
    input.value = String(index);
    show(model.get("texts")[index]); // at once: the kernel's answer follows
    model.set("index", index);
    model.save_changes();
  };
  input.addEventListener("input", () => choose(Number(input.value)));
  input.addEventListener("keydown", (event) => {
    // Page Up / Page Down: a big step of `page` stops (the browser's own is 10% of the range)
    const direction = { PageUp: 1, PageDown: -1 }[event.key];
    if (direction) {
      event.preventDefault();
      choose(Number(input.value) + direction * model.get("page"));
    }
  });
  model.on("change", sync);
  sync();
  return () => model.off("change", sync);
}

function renderDropdown({ model, el }) {
  const select = document.createElement("select");
  const label = labelled(el, "dropdown", select, model.get("description"));
  const sync = () => {
    label.textContent = model.get("description");
    const options = model.get("options");
    if ([...select.options].map((o) => o.text).join("\n") !== options.join("\n")) {
      select.replaceChildren(...options.map((text) => new Option(text)));
    }
    select.selectedIndex = model.get("index");
    select.disabled = model.get("disabled");
    el.style.width = model.get("width");
  };
  select.addEventListener("change", () => {
    model.set("index", select.selectedIndex);
    model.save_changes();
  });
  model.on("change", sync);
  sync();
  return () => model.off("change", sync);
}

export default {
  render(context) {
    return context.model.get("kind") === "dropdown" ? renderDropdown(context) : renderSlider(context);
  },
};
