/**
 * Loads the worker's QuickJS WASM module over a WebAssembly.Memory whose growth the worker
 * controls. QuickJS's byte accounting does not work in this build (see memory-guard.ts), so
 * the hard memory ceiling is the linear memory itself: growth past the ceiling is refused,
 * Emscripten's malloc returns NULL and QuickJS throws a clean "out of memory" that the script
 * cannot outrun, even inside one long built-in call.
 */
import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC, type QuickJSWASMModule } from "quickjs-emscripten";

// The project's `lib` (ES2023, no DOM) has no WebAssembly types; these two members are all we use.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
declare const WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory };

const PAGE = 65536;
/** What the module starts with (Emscripten's default INITIAL_MEMORY). */
const INITIAL_PAGES = 256;
/** The wasm32 limit of this build. */
const MAXIMUM_PAGES = 32768;

export interface SandboxModule {
  quickjs: QuickJSWASMModule;
  /** Bytes of linear memory now. */
  wasmBytes(): number;
  /** Linear memory size right after loading, before any run. */
  readonly freshBytes: number;
  /** Refuses growth past `bytes` (Infinity lifts the ceiling). */
  setCeiling(bytes: number): void;
  /** How many growth requests the ceiling has refused so far. */
  refusals(): number;
}

export async function loadSandboxModule(): Promise<SandboxModule> {
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES });
  let ceiling = Infinity;
  let refused = 0;
  const grow = memory.grow.bind(memory);
  // Emscripten's heap resize calls `memory.grow` inside try/catch and treats a throw as
  // "no more memory", so refusing here surfaces as a failed malloc.
  memory.grow = (delta: number) => {
    if (memory.buffer.byteLength + delta * PAGE > ceiling) {
      refused++;
      throw new RangeError("script memory ceiling reached");
    }
    return grow(delta);
  };
  const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: memory }));
  return {
    quickjs,
    wasmBytes: () => memory.buffer.byteLength,
    freshBytes: memory.buffer.byteLength,
    setCeiling: (bytes) => {
      ceiling = bytes;
    },
    refusals: () => refused,
  };
}
