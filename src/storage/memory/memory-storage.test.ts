import { describeStorageConformance } from "../conformance.js";
import { createMemoryStorage } from "./memory-storage.js";

describeStorageConformance("memory", async () => createMemoryStorage());
