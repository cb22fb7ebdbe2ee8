/**
 * The dashboard (`/__mockforge/ui`): static files from `src/ui/` and the three browser modules
 * it imports (preact, preact/hooks, htm) straight from node_modules, named by the page's import
 * map. No bundler, no CDN: the page works offline. Routes are marked `shell` (no recorded data
 * in them, so the browser may load them before it has the token); every call the page makes
 * afterwards is an ordinary admin call.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { MockForgeError } from "../core/errors.js";
import type { AdminReply, AdminRoute } from "./admin-types.js";

/** `src/ui/`, from `src/admin/` and from `dist/admin/` alike (the files ship as they are). */
const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "ui");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

function vendorFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  return {
    "preact.mjs": require.resolve("preact"),
    "hooks.mjs": require.resolve("preact/hooks"),
    // htm's `require` entry is CommonJS; its ES module sits beside it.
    "htm.mjs": join(dirname(require.resolve("htm")), "htm.mjs"),
  };
}

interface Asset {
  body: Buffer;
  type: string;
  headers: Record<string, string>;
}

/**
 * @example
 * router routes: [...uiHandlers()]   // GET /__mockforge/ui, /__mockforge/ui/app/feed.js, /__mockforge/ui/vendor/preact.mjs
 */
export function uiHandlers(dir = UI_DIR): AdminRoute[] {
  const cache = new Map<string, Asset>();
  const load = (file: string, cacheable: boolean): Asset => {
    const hit = cache.get(file);
    if (hit) return hit;
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      throw new MockForgeError("MFG_ERR_NOT_FOUND", `No dashboard file ${file.slice(dir.length)}`);
    }
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    const headers: Record<string, string> = { "cache-control": cacheable ? "public, max-age=3600" : "no-cache", "x-content-type-options": "nosniff" };
    if (extname(file) === ".html") Object.assign(headers, pageHeaders(body.toString("utf8")));
    const asset = { body, type, headers };
    cache.set(file, asset);
    return asset;
  };
  const reply = (a: Asset): AdminReply => ({ status: 200, body: undefined, raw: { text: a.body, contentType: a.type, headers: a.headers } });
  let vendor: Record<string, string> | null = null;
  const page = async () => reply(load(join(dir, "index.html"), false));

  return [
    { method: "GET", path: "/ui", shell: true, handler: page },
    {
      method: "GET",
      path: "/ui/vendor/:file",
      shell: true,
      handler: async ({ params }) => {
        const file = (vendor ??= vendorFiles())[params.file!];
        if (!file) throw new MockForgeError("MFG_ERR_NOT_FOUND", `No dashboard module ${params.file}`);
        return reply(load(file, true));
      },
    },
    {
      method: "GET",
      path: "/ui/*",
      shell: true,
      handler: async ({ params }) => {
        const rel = params["*"] ?? "";
        if (rel === "") return page();
        const file = normalize(join(dir, rel));
        // The router decodes the wildcard: refuse anything that climbs out of the folder.
        if (!file.startsWith(dir + sep)) throw new MockForgeError("MFG_ERR_NOT_FOUND", `No dashboard file ${rel}`);
        return reply(load(file, false));
      },
    },
  ];
}

/** The page allows only its own scripts and its one inline script (the import map), by hash. */
function pageHeaders(html: string): Record<string, string> {
  const inline = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`);
  return {
    "content-security-policy": `default-src 'self'; script-src 'self' ${inline.join(" ")}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    "referrer-policy": "no-referrer",
  };
}
