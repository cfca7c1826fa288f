/**
 * A PostgreSQL server of the test's own: a cluster made by Debian's initdb in a temporary folder, listening
 * only on a Unix socket there on a private port, started with pg_ctl and removed when stopped. As root
 * (initdb refuses root) the server runs as the `postgres` user, which owns the folder.
 */
import {execFileSync} from "node:child_process";
import {chownSync, existsSync, mkdtempSync, readdirSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";

export interface TestServer {
  settings: {host: string; port: number; user: string; database: string};
  stop(): void;
}

/** The folder of PostgreSQL's programs (Debian: /usr/lib/postgresql/VERSION/bin), or null. */
export function postgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  for (const version of readdirSync(root).sort().reverse()) {
    const bin = join(root, version, "bin");
    if (existsSync(join(bin, "initdb"))) return bin;
  }
  return null;
}

/** Starts a fresh cluster; throws, saying how to install the server, when Debian's postgresql is missing. */
export function startPostgres(): TestServer {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL's initdb was not found under /usr/lib/postgresql: apt-get install -y postgresql");
  const dir = mkdtempSync(join(tmpdir(), "lmm-pg-"));
  const root = process.getuid?.() === 0;
  const as = (program: string, args: string[]) => {
    const [cmd, all] = root ? ["runuser", ["-u", "postgres", "--", join(bin, program), ...args]] : [join(bin, program), args];
    return execFileSync(cmd as string, all as string[], {stdio: ["ignore", "pipe", "pipe"], timeout: 60_000});
  };
  if (root) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  as("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  as("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "-o", `-c listen_addresses='' -k ${dir} -p ${port} -F`, "start"]);
  return {
    settings: {host: dir, port, user: "postgres", database: "postgres"},
    stop() {
      try {
        as("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, {recursive: true, force: true});
      }
    }
  };
}
