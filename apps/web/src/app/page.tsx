import { connection } from "next/server";
import { pageSetup } from "../server/page-setup";
import { Playground } from "../ui/playground";

export default async function PlaygroundPage() {
  // Rendered per request: what the page offers depends on how this server was started.
  await connection();
  return (
    <>
      <header className="page-head">
        <h1>Playground</h1>
        <p>Capture a page; capture it again and the cache answers.</p>
      </header>
      <Playground setup={await pageSetup()} />
    </>
  );
}
