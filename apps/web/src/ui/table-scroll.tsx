import type { ReactNode } from "react";

/**
 * A wide table that scrolls sideways on a narrow screen. The scrolling box takes keyboard focus,
 * so it can be scrolled without a pointer, and has its own name (`label`) as a region.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section className="table-scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
