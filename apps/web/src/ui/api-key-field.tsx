"use client";

/** Where the user gives the page an API key, when the server asks for keys. */
export function ApiKeyField(props: {
  value: string;
  onChange: (key: string) => void;
  needed: "admin" | "all";
}) {
  return (
    <div className="api-key">
      <label htmlFor="api-key">API key</label>
      <input
        id="api-key"
        name="apiKey"
        type="password"
        autoComplete="off"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        aria-describedby="api-key-hint"
      />
      <span id="api-key-hint" className="hint">
        {props.needed === "all"
          ? "This server asks for a key for every call."
          : "This server asks for a key to purge, sign, inspect and read statistics."}{" "}
        Kept in this tab only.
      </span>
    </div>
  );
}
