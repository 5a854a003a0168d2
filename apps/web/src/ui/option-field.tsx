"use client";

import type { ReactNode } from "react";
import type { AnyFieldSpec } from "./capture-form";

interface OptionFieldProps {
  field: AnyFieldSpec;
  value: string | boolean;
  onChange: (value: string | boolean) => void;
  /** The values of a choice field. */
  choices?: readonly string[];
  /** The server's message about this field, if any. */
  error?: string;
}

const describingIds = (field: AnyFieldSpec) => ({
  hint: `${field.name}-hint`,
  error: `${field.name}-error`,
});

/** A field's hint and the server's error, under it; the control names both as its description. */
function HintAndError({ field, error }: { field: AnyFieldSpec; error?: string }) {
  const ids = describingIds(field);
  return (
    <>
      {field.hint && (
        <span id={ids.hint} className="hint">
          {field.hint}
        </span>
      )}
      {error && (
        <span id={ids.error} className="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/** The four numbers of a region, in the order its text form takes them. */
const REGION_PARTS = ["x", "y", "width", "height"] as const;

/** One capture option as a labelled control, with its hint and the server's error beside it. */
export function OptionField({ field, value, onChange, choices = [], error }: OptionFieldProps) {
  const ids = describingIds(field);
  const describedBy = [field.hint ? ids.hint : "", error ? ids.error : ""].join(" ").trim();
  const common = {
    id: `option-${field.name}`,
    name: field.name,
    "aria-describedby": describedBy || undefined,
    "aria-invalid": error ? true : undefined,
  };
  const text = typeof value === "string" ? value : "";

  if (field.kind === "region" || field.kind === "set") {
    // Several controls: a fieldset names them together, each its own part.
    const parts = field.kind === "region" ? text.split(",") : text.split("\n").filter(Boolean);
    const controls =
      field.kind === "region"
        ? REGION_PARTS.map((part, index) => (
            <label key={part} className="part">
              {part}
              <input
                type="number"
                min={0}
                name={`${field.name}-${part}`}
                value={parts[index] ?? ""}
                onChange={(event) => {
                  const next = REGION_PARTS.map((_, each) => parts[each] ?? "");
                  next[index] = event.target.value;
                  onChange(next.join(","));
                }}
              />
            </label>
          ))
        : choices.map((choice) => (
            <label key={choice} className="part">
              <input
                type="checkbox"
                name={field.name}
                value={choice}
                checked={parts.includes(choice)}
                onChange={(event) =>
                  onChange(
                    choices
                      .filter((each) =>
                        each === choice ? event.target.checked : parts.includes(each),
                      )
                      .join("\n"),
                  )
                }
              />
              {choice}
            </label>
          ));
    return (
      <fieldset
        className={`option option-${field.kind}`}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? true : undefined}
      >
        <legend>{field.label}</legend>
        {controls}
        <HintAndError field={field} error={error} />
      </fieldset>
    );
  }

  let control: ReactNode;
  if (field.kind === "boolean") {
    control = (
      <input
        {...common}
        type="checkbox"
        checked={value === true}
        onChange={(event) => onChange(event.target.checked)}
      />
    );
  } else if (field.kind === "choice") {
    control = (
      <select {...common} value={text} onChange={(event) => onChange(event.target.value)}>
        {choices.map((choice) => (
          <option key={choice}>{choice}</option>
        ))}
      </select>
    );
  } else if (field.kind === "lines" || field.kind === "code") {
    control = (
      <textarea
        {...common}
        rows={3}
        spellCheck={false}
        value={text}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  } else if (field.kind === "url") {
    control = (
      <input
        {...common}
        type="text"
        inputMode="url"
        placeholder="https://example.com"
        value={text}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  } else {
    control = (
      <input
        {...common}
        type={field.kind === "number" ? "number" : "text"}
        step={field.step}
        value={text}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  }

  return (
    <div className={`option option-${field.kind}`}>
      <label htmlFor={common.id}>{field.label}</label>
      {control}
      <HintAndError field={field} error={error} />
    </div>
  );
}
