import { describe, expect, it } from "vitest";
import { ManualClock } from "../core/clock.js";
import { seededRandom } from "../core/random.js";
import type { EvalEnv } from "../expr/index.js";
import { renderTemplate } from "./render-template.js";

const env: EvalEnv = { clock: new ManualClock(), random: seededRandom(1) };

describe("renderTemplate", () => {
  it("renders strings, objects and passes other values through", () => {
    expect(renderTemplate("{{base_url}}/api/orders", { base_url: "http://127.0.0.1:3000" }, env)).toBe("http://127.0.0.1:3000/api/orders");
    expect(renderTemplate({ id: "{{id}}" }, { id: 5 }, env)).toEqual({ id: 5 });
    expect(renderTemplate(12, {}, env)).toBe(12);
    expect(renderTemplate(null, {}, env)).toBeNull();
    expect(renderTemplate(undefined, {}, env)).toBeUndefined();
    expect(renderTemplate("plain", {}, env)).toBe("plain");
  });

  it("reuses the compiled template for the same object and renders fresh values each time", () => {
    const value = { id: "{{id}}" };
    expect(renderTemplate(value, { id: 1 }, env)).toEqual({ id: 1 });
    expect(renderTemplate(value, { id: 2 }, env)).toEqual({ id: 2 });
    const constant = { a: 1 };
    expect(renderTemplate(constant, {}, env)).toBe(constant);
  });
});
