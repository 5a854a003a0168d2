"use client";

import { createShotcacheClient, ShotcacheError } from "@shotcache/sdk";
import { useEffect, useMemo, useState } from "react";

const KEY_STORAGE = "shotcache-api-key";

/**
 * The SDK client of this page, talking to the server that served it (an empty base URL), with
 * the API key the user typed, kept for this browser tab only (sessionStorage) and shared by pages.
 */
export function useShotcache() {
  const [apiKey, setApiKeyState] = useState("");
  // The stored key is read after the first render (the server render has no sessionStorage);
  // until then calls would go out without it.
  const [keyRead, setKeyRead] = useState(false);
  useEffect(() => {
    setApiKeyState(sessionStorage.getItem(KEY_STORAGE) ?? "");
    setKeyRead(true);
  }, []);
  const setApiKey = (key: string) => {
    setApiKeyState(key);
    sessionStorage.setItem(KEY_STORAGE, key);
  };
  const client = useMemo(
    () => createShotcacheClient({ baseUrl: "", apiKey: apiKey || undefined }),
    [apiKey],
  );
  return { client, apiKey, setApiKey, keyRead };
}

/** A failed call as the page shows it: the server's message, and per-field messages. */
export interface Problem {
  message: string;
  fields: Record<string, string>;
}

export function problemFrom(error: unknown, fieldOf = (path: string) => path): Problem {
  const failure = ShotcacheError.from(error);
  const fields: Record<string, string> = {};
  for (const entry of failure.fieldErrors) {
    if (entry.field) fields[fieldOf(entry.field)] ??= entry.message;
  }
  return { message: failure.message, fields };
}
