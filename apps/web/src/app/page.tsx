import { Playground } from "./playground";

export default function Home() {
  return (
    <main>
      <header>
        <h1>shotcache</h1>
        <p>Capture a page; capture it again and the cache answers.</p>
      </header>
      <Playground />
    </main>
  );
}
