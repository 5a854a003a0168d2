import { type Row, rowLine } from "./report";

/** What one run measured: its rows, and the notes that explain them, in the order they came. */
export interface Recorder {
  rows: Row[];
  notes: string[];
  /** Keeps rows for the results and prints each at once: a long run shows its figures as it goes. */
  report(...measured: Row[]): void;
}

export function createRecorder(): Recorder {
  const rows: Row[] = [];
  return {
    rows,
    notes: [],
    report(...measured) {
      for (const row of measured) {
        rows.push(row);
        console.log(rowLine(row));
      }
    },
  };
}
