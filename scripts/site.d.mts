import type {Server} from "node:http";

/** The project's root folder. */
export const root: string;
/** The notebooks' folder, `notebooks/`. */
export const notebooksDir: string;
/** Where `npm run build:notebooks` writes the site, `dist/notebooks/`. */
export const defaultOut: string;
/** The id of the banner each built page shows when its module scripts cannot run (opened from file://). */
export const serveBannerId: string;
/** Every notebook: the .html files directly in notebooks/, sorted. */
export function notebookFiles(): string[];
/** Builds the static site into outDir (emptied first); resolves to its absolute path. */
export function buildSite(options?: {outDir?: string; quiet?: boolean; minify?: boolean}): Promise<string>;
/** The headers that make a served page cross-origin isolated (COOP same-origin, COEP require-corp, CORP same-origin). */
export const ISOLATION_HEADERS: Record<string, string>;
/**
 * Serves a folder on 127.0.0.1 (port 0: an ephemeral one), with the isolation headers unless `isolated` is
 * false, and `headers` on every response besides.
 */
export function serveSite(
  dir: string,
  options?: {port?: number; host?: string; isolated?: boolean; headers?: Record<string, string>}
): Promise<{server: Server; url: string}>;
