"use client";

import { useEffect, useState } from "react";

/** Milliseconds since `since` (a `performance.now()` time), updated ten times a second. */
export function useElapsed(since: number | undefined): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (since === undefined) return;
    setNow(performance.now());
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, [since]);
  return since === undefined ? 0 : Math.max(0, now - since);
}
