import type { Metadata } from "next";
import { connection } from "next/server";
import { pageSetup } from "../../server/page-setup";
import { Dashboard } from "../../ui/dashboard";

export const metadata: Metadata = { title: "Dashboard · shotcache" };

export default async function DashboardPage() {
  await connection();
  return (
    <>
      <header className="page-head">
        <h1>Cache dashboard</h1>
        <p>Shared by every instance of this server.</p>
      </header>
      <Dashboard setup={await pageSetup()} />
    </>
  );
}
