import { createRequire } from "node:module";
import type FindMyWay from "find-my-way";
import { SegmentRouter, type Found } from "./segment-router.js";

/** What the route table asks of a router: routes in (`:name` paths), matches out. */
export interface PathRouter<T> {
  /** @throws Error when the path cannot be served or repeats a route's shape (its message is shown) */
  on(methods: readonly string[], path: string, store: T): void;
  find(method: string, path: string): Found<T> | null;
}

const OPTIONS = { collapseSlashes: true, maxParamLength: 500 };

/**
 * A maker of the routers for a table holding `paths`: our segment router when it serves every
 * one of them exactly as find-my-way would (see segment-router.ts), else find-my-way itself,
 * loaded only then (a parameter inside a segment, `/files/*.png`, a regex: rare), so that a
 * config never pays for importing it and compiling functions for each of its routes.
 */
export function routerMaker<T>(paths: Iterable<string>): () => PathRouter<T> {
  for (const p of paths) if (!SegmentRouter.accepts(p)) return findMyWayRouter<T>;
  return () => new SegmentRouter<T>(OPTIONS);
}

function findMyWayRouter<T>(): PathRouter<T> {
  // Required, not imported: a dynamic import() fails in the bundle run from its code cache (scripts/bundle.mjs).
  const make = createRequire(import.meta.url)("find-my-way") as typeof FindMyWay;
  const router = make({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: OPTIONS.collapseSlashes, maxParamLength: OPTIONS.maxParamLength });
  return {
    on: (methods, path, store) => router.on(methods as FindMyWay.HTTPMethod[], path, noop, store as object),
    find: (method, path) => {
      const found = router.find(method as FindMyWay.HTTPMethod, path);
      return found ? { store: found.store as T, params: found.params as Record<string, string> } : null;
    },
  };
}

function noop(): void {}
