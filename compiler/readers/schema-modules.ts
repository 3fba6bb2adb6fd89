import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/** A schema module's exports, or why it did not load. */
export type Loaded = { ok: true; exports: Record<string, unknown> } | { ok: false; error: unknown };

/** Loads the schema modules of one read; `close` when the read is over. */
export interface ModuleLoader {
  load(file: string): Promise<Loaded>;
  close(): Promise<void>;
}

/**
 * Loads TypeScript schema modules with tsx: it compiles on the fly (esbuild)
 * and honours the project's tsconfig paths, and its source maps give the
 * schema API true positions for diagnostics. One loader is one read's module
 * graph: a types module that two schema modules import is one instance, so a
 * shared schema is the same object everywhere. That needs each file loaded
 * the way its own imports are, by import() for an ES module and require() for
 * a CommonJS one (the two keep separate module caches).
 *
 * Every read sees the schemas as they are on disk then (`gen --watch` reads
 * again on each edit), and reads the packages they import (zod) only once
 * per process:
 * - CommonJS: a tsx namespace per read, whose own modules leave the require
 *   cache when the read closes; zod stays in it from one read to the next.
 * - ES modules: Node never forgets one, and it keeps every hook registered
 *   for the life of the process. So each tsconfig gets one tsx registration
 *   for the process, and {@link READ_HOOK} gives the project's own files a
 *   URL of their own in each read, while a package under node_modules keeps
 *   one URL for all. A namespace per read instead (tsx's way) loads zod's
 *   hundred modules again and adds a hook on every read: 200 ms and 6 MB of
 *   memory that is never given back, per regeneration.
 */
export function moduleLoader(tsconfig: string | undefined): ModuleLoader {
  process.setSourceMapsEnabled(true);
  const read = String(++reads);
  let required: Promise<CjsRead> | undefined;
  return {
    async load(file) {
      try {
        if (isEsModule(file)) {
          const esm = await esmLoader(tsconfig);
          return { ok: true, exports: (await esm.import(`${pathToFileURL(file).href}?${READ_PARAM}=${read}`, import.meta.url)) as Record<string, unknown> };
        }
        required ??= cjsRead();
        const cjs = await required;
        return { ok: true, exports: cjs.require(file, import.meta.url) as Record<string, unknown> };
      } catch (error) {
        return { ok: false, error };
      }
    },
    async close() {
      (await required)?.close();
    },
  };
}

/** The query parameter that tells one read's modules from another's. */
const READ_PARAM = "pseud-read";

/** Reads so far in this process: each read's number is its modules' {@link READ_PARAM}. */
let reads = 0;

/**
 * A resolve hook, registered once per process before the first tsx
 * registration, so that it runs after tsx's. A module imported from a read's
 * module (one whose URL holds {@link READ_PARAM}) is either the project's own
 * file, which gets the same read number, or a package's JavaScript under
 * node_modules, which gets one namespace shared by every read, so that tsx
 * adds none of its own (a package's TypeScript stays in the read's tsx
 * namespace: only tsx can compile it). That namespace goes in tsx's
 * `tsx-namespace` parameter, which tsx leaves alone when present; were tsx to
 * rename it, packages would load once per tsconfig instead, and nothing else
 * would change.
 */
const READ_HOOK = `
const READ = ${JSON.stringify(READ_PARAM)};
const PACKAGE_SCRIPT = /\\/node_modules\\/.*\\.(?:[cm]?js|json)$/;
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const read = context.parentURL?.startsWith("file:") ? new URL(context.parentURL).searchParams.get(READ) : null;
  if (read === null || !resolved.url.startsWith("file:")) return resolved;
  const url = new URL(resolved.url);
  if (url.pathname.includes("/node_modules/")) {
    if (!PACKAGE_SCRIPT.test(url.pathname)) return resolved;
    url.searchParams.set("tsx-namespace", "pseud-packages");
  } else {
    url.searchParams.set(READ, read);
  }
  return { ...resolved, url: url.href };
}
`;

/** tsx's ES module loader for one tsconfig: its import(), scoped to its namespace. */
interface EsmLoader {
  import(specifier: string, parentUrl: string): Promise<unknown>;
}

/** Whether {@link READ_HOOK} is registered yet (its one registration). */
let readHook: true | undefined;

/** One per tsconfig (its paths and compiler options), for the life of the process: see {@link moduleLoader}. */
const esmLoaders = new Map<string, Promise<EsmLoader>>();

function esmLoader(tsconfig: string | undefined): Promise<EsmLoader> {
  const key = tsconfig ?? "";
  let loader = esmLoaders.get(key);
  if (loader === undefined) {
    loader = (async () => {
      // The hook first: Node runs the last registered first, so every tsx registration runs before it and adds its
      // namespace after the hook's read number, whichever tsconfig came first. One module then has one URL, whether
      // a schema imports it or the read loads it itself.
      if (readHook === undefined) {
        register(`data:text/javascript,${encodeURIComponent(READ_HOOK)}`);
        readHook = true;
      }
      const { register: registerTsx } = await import("tsx/esm/api");
      return registerTsx({ namespace: `pseud-${randomUUID()}`, ...(tsconfig ? { tsconfig } : {}) });
    })();
    esmLoaders.set(key, loader);
  }
  return loader;
}

/** tsx's CommonJS loader for one read, and its end: the read's modules leave the require cache. */
interface CjsRead {
  require(file: string, parentUrl: string): unknown;
  close(): void;
}

/**
 * A tsx namespace for one read, whose own modules are evicted from the
 * require cache when it closes. The namespace alone does not make a read
 * fresh: a module that a schema imports came back from the cache in the
 * next read as the last read left it (tsx 4.23). A package under
 * node_modules stays: a require is synchronous, so what one adds to the cache
 * is exactly what it loaded.
 */
async function cjsRead(): Promise<CjsRead> {
  const { register: registerTsx } = await import("tsx/cjs/api");
  const required = registerTsx({ namespace: `pseud-${randomUUID()}` });
  const cache = createRequire(import.meta.url).cache;
  const loaded = new Set<string>();
  return {
    require(file, parentUrl) {
      const before = new Set(Object.keys(cache));
      try {
        return required.require(file, parentUrl);
      } finally {
        for (const key of Object.keys(cache)) if (!before.has(key) && !key.includes("/node_modules/")) loaded.add(key);
      }
    },
    close() {
      for (const key of loaded) delete cache[key];
      required.unregister();
    },
  };
}

/** Node's rule: `.mts`/`.mjs` are ES modules, `.cts`/`.cjs` CommonJS, any other as the nearest package.json's "type" says. */
function isEsModule(file: string): boolean {
  if (/\.m[tj]sx?$/.test(file)) return true;
  if (/\.c[tj]sx?$/.test(file)) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type === "module";
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}
