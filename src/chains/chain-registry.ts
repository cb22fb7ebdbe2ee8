/**
 * The chains a server knows, by id: loaded from the config at start, then added, replaced and
 * removed through the admin API at run time. Everything added is validated first, so the
 * registry only ever holds runnable chains.
 */
import type { ChainConfig } from "../config/schema/chains.js";
import { MockForgeError } from "../core/errors.js";
import type { PreparedChain } from "./prepared-chain.js";
import { prepareChain, type ValidateChainOptions } from "./validate-chain.js";

export interface ChainRegistry {
  /**
   * Adds a chain (validating a `ChainConfig` first). An id already present is
   * MFG_ERR_CHAIN_DUPLICATE unless `replace` is true.
   */
  add(chain: ChainConfig | PreparedChain, options?: { replace?: boolean }): PreparedChain;
  /** Adds or replaces; returns the chain and whether one was replaced. */
  put(chain: ChainConfig | PreparedChain): { chain: PreparedChain; replaced: boolean };
  /** Removes a chain; false when there was none with that id. */
  remove(id: string): boolean;
  /** The chain with this id, or MFG_ERR_CHAIN_NOT_FOUND listing the known ids. */
  get(id: string): PreparedChain;
  /** The chain with this id, or undefined. */
  find(id: string): PreparedChain | undefined;
  has(id: string): boolean;
  /** Every chain, in the order they were added. */
  list(): PreparedChain[];
  /** Removes every chain. */
  clear(): void;
}

function isPrepared(c: ChainConfig | PreparedChain): c is PreparedChain {
  return "hasScripts" in c && "links" in c && Array.isArray(c.links) && c.links.every((l) => "dependsOn" in l);
}

/**
 * @example
 * const registry = createChainRegistry();
 * registry.add(loaded.chain);
 * registry.get("payment_with_callbacks"); // PreparedChain
 * registry.get("nope"); // throws MFG_ERR_CHAIN_NOT_FOUND, hint: "Known chains: payment_with_callbacks"
 */
export function createChainRegistry(options: ValidateChainOptions = {}): ChainRegistry {
  const chains = new Map<string, PreparedChain>();
  const prepare = (c: ChainConfig | PreparedChain) => (isPrepared(c) ? c : prepareChain(c, { ...(options.checkScript ? { checkScript: options.checkScript } : {}) }));
  const known = () => (chains.size > 0 ? `Known chains: ${[...chains.keys()].join(", ")}` : "No chains are loaded: add them under `chains:` in the config or POST /__mockforge/chains");

  const registry: ChainRegistry = {
    add(chain, opts = {}) {
      const prepared = prepare(chain);
      if (chains.has(prepared.id) && !opts.replace) {
        throw new MockForgeError("MFG_ERR_CHAIN_DUPLICATE", `Chain '${prepared.id}' already exists`, {
          chainId: prepared.id,
          hint: `Replace it with PUT /__mockforge/chains/${prepared.id}, or give the new chain another id`,
        });
      }
      chains.set(prepared.id, prepared);
      return prepared;
    },
    put(chain) {
      const prepared = prepare(chain);
      const replaced = chains.has(prepared.id);
      chains.set(prepared.id, prepared);
      return { chain: prepared, replaced };
    },
    remove: (id) => chains.delete(id),
    get(id) {
      const c = chains.get(id);
      if (!c) throw new MockForgeError("MFG_ERR_CHAIN_NOT_FOUND", `Chain '${id}' is not loaded`, { chainId: id, hint: known() });
      return c;
    },
    find: (id) => chains.get(id),
    has: (id) => chains.has(id),
    list: () => [...chains.values()],
    clear: () => chains.clear(),
  };
  return registry;
}
