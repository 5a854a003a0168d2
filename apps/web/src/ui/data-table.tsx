import type { ReactNode } from "react";

interface DataTableProps {
  /** The name of the scrolling region. */
  label: string;
  /** Column headings. */
  columns: readonly string[];
  testId: string;
  caption?: ReactNode;
  /** The body rows. */
  children: ReactNode;
}

/**
 * A table with column headings that scrolls sideways on a narrow screen. The scrolling box takes
 * keyboard focus, so it can be scrolled without a pointer, and has its own name as a region.
 */
export function DataTable({ label, columns, testId, caption, children }: DataTableProps) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section className="table-scroll" aria-label={label} tabIndex={0}>
      <table data-testid={testId}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </section>
  );
}
