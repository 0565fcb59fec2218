// The course's own controls (helpers/widgets/controls.py): a native range input and a
// native select, each with a visible <label> that is also its accessible name.
//
// data-lm-suppress-shortcuts on the focusable element itself (Lumino stops looking for a
// shortcut at the first element that has it): JupyterLab's notebook shortcuts (ArrowUp and
// ArrowDown move between cells) would otherwise take the arrow keys from the control.

// ipympl 0.10's figure takes every key pressed on it for matplotlib's key events, Tab
// included: focus could enter a figure but never leave it (a keyboard trap). The explorers
// use no key events, so keys pressed on an explorer's figure are kept from ipympl and keep
// their usual meaning: Tab moves on, arrows scroll. Installed once per page.
if (!globalThis.courseFigureKeys) {
  globalThis.courseFigureKeys = true;
  for (const type of ["keydown", "keyup"]) {
    document.addEventListener(
      type,
      (event) => {
        const target = event.target;
        if (target instanceof Element && target.closest(".course-explorer .jupyter-matplotlib-canvas-div")) {
          event.stopPropagation(); // capture phase, on the document: ipympl never sees the key
        }
      },
      true,
    );
  }
}

// The control sits inside its <label> (a click on the words focuses it; no ids needed: each
// widget gets its own copy of this module, so a counter here would repeat ids). aria-label
// repeats the visible words, so that the name is exactly them, without the current value
// that a label around a control would add.
function labelled(el, kind, control) {
  el.classList.add("course-control", `course-${kind}`);
  control.setAttribute("data-lm-suppress-shortcuts", "true");
  const label = document.createElement("label");
  const text = document.createElement("span");
  label.append(text, control);
  el.append(label);
  return (words) => {
    text.textContent = words;
    control.setAttribute("aria-label", words);
  };
}

function renderSlider({ model, el }) {
  const input = document.createElement("input");
  input.type = "range";
  input.min = "0";
  input.step = "1";
  const describe = labelled(el, "slider", input);
  const output = document.createElement("output");
  output.setAttribute("aria-hidden", "true"); // the value is spoken through aria-valuetext
  el.append(output);

  // What the readout shows and a screen reader says: "learning rate 0.107, stable below 0.333".
  const show = (text) => {
    output.textContent = text;
    input.setAttribute("aria-valuetext", `${model.get("description")} ${text}${model.get("meaning")}`);
  };
  const sync = () => {
    describe(model.get("description"));
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
  const describe = labelled(el, "dropdown", select);
  const sync = () => {
    describe(model.get("description"));
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
