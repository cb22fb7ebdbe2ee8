import { describe, expect, it } from "vitest";
import { envNamesIn, envNamesInText, scanEnv } from "./env-names.js";

describe("envNamesIn: the names a config writes literally", () => {
  it("finds them in templates, conditions and scripts (the seed's forms included)", () => {
    const names = envNamesIn({
      headers: { Authorization: "Bearer {{env.WEBHOOK_TOKEN}}", "X-Webhook-Signature": "{{hash(env.WEBHOOK_SECRET + request.body)}}" },
      condition: "env['REGION'] == 'eu' AND env[\"STAGE\"] != ''",
      script: "const { API_KEY, OTHER: o, WITH_DEFAULT = 'x' } = mockforge.env;\nconst u = mockforge.env.HOOK_URL;",
      list: ["{{ env . SPACED }}"],
    });
    expect([...names].sort()).toEqual(["API_KEY", "HOOK_URL", "OTHER", "REGION", "SPACED", "STAGE", "WEBHOOK_SECRET", "WEBHOOK_TOKEN", "WITH_DEFAULT"]);
  });

  it("ignores names that only look alike, and object keys", () => {
    expect([...envNamesInText("myenv.A the_env.B $env.C environment.D")]).toEqual([]);
    expect([...envNamesIn({ "env.KEY": "plain" })]).toEqual([]);
  });

  it("tells a computed key from a literal one", () => {
    const computed = (text: string) => scanEnv({ s: text }).computed.length > 0;
    expect(computed("{{env[request.query.k]}}")).toBe(true);
    expect(computed("mockforge.env['DB_' + 'PASSWORD']")).toBe(true);
    expect(computed("mockforge.env[`X`]")).toBe(true);
    expect(computed("{{env['A']}} {{env.B}} {{env}}")).toBe(false);
    expect(scanEnv({ a: ["x", { b: "{{env[k]}}" }] })).toEqual({ names: new Set(), computed: [["a", 1, "b"]] });
  });
});
