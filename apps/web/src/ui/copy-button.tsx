"use client";

import { useState } from "react";

/**
 * Puts `text` on the clipboard. The Clipboard API exists only on secure origins (https, or
 * loopback); a server reached over plain http on a LAN address falls back to a selected textarea.
 */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const copied = document.execCommand("copy");
  area.remove();
  if (!copied) throw new Error("copy refused");
}

/** A labelled text block with a button that copies it, and says whether that worked. */
export function CopyBlock(props: { label: string; text: string; testId: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await copyText(props.text);
      setState("copied");
    } catch {
      setState("failed");
    }
  }
  return (
    <div className="copy-block">
      <div className="copy-head">
        <span>{props.label}</span>
        <button type="button" onClick={copy}>
          Copy {props.label}
        </button>
        <span role="status" className="hint">
          {state === "copied" ? "Copied." : state === "failed" ? "Select the text to copy it." : ""}
        </span>
      </div>
      <pre data-testid={props.testId}>{props.text}</pre>
    </div>
  );
}
