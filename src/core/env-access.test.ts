import { describe, expect, it } from "vitest";
import { createEnvAccess, pickEnv, refuseUnlisted } from "./env-access.js";
import { MockForgeError } from "./errors.js";

const raw = { REGION: "eu", WEBHOOK_TOKEN: "tok", DB_PASSWORD: "hunter2", EMPTY: "" };

describe("createEnvAccess: one filtered view per kind of content", () => {
  it("file content reads its own names and the allowlist; run-time additions the allowlist only", () => {
    const a = createEnvAccess(raw, { allowlist: ["REGION", "UNSET"], fileNames: ["WEBHOOK_TOKEN"] });
    expect({ ...a.file }).toEqual({ REGION: "eu", WEBHOOK_TOKEN: "tok" });
    expect({ ...a.runtime }).toEqual({ REGION: "eu" });
    expect(Object.hasOwn(a.file, "DB_PASSWORD")).toBe(false);
    expect(JSON.stringify(a.runtime)).toBe('{"REGION":"eu"}');
    expect(a.of(true)).toBe(a.runtime);
    expect(a.of(false)).toBe(a.file);
  });

  it("grows with names of files loaded later; holders cannot write to it; values are read live", () => {
    const env: Record<string, string | undefined> = { ...raw };
    const a = createEnvAccess(env, { allowlist: [] });
    expect(Object.keys(a.file)).toEqual([]);
    a.addFileNames(["DB_PASSWORD"]);
    expect(a.file.DB_PASSWORD).toBe("hunter2");
    expect(() => {
      "use strict";
      (a.file as Record<string, string>).DB_PASSWORD = "x";
    }).toThrow(TypeError);
    env.DB_PASSWORD = "rotated";
    expect(a.file.DB_PASSWORD).toBe("rotated");
    expect(structuredClone(a.file)).toEqual({ DB_PASSWORD: "rotated" });
    // What a script's sandbox gets: the view's JSON, read when the script starts.
    expect(JSON.parse(JSON.stringify(a.file))).toEqual({ DB_PASSWORD: "rotated" });
    delete env.DB_PASSWORD;
    expect(JSON.stringify(a.file)).toBe("{}");
    expect(pickEnv({ REGION: "eu", DB_PASSWORD: "x" }, ["REGION", "MISSING"])).toEqual({ REGION: "eu" });
  });
});

describe("refuseUnlisted: what the admin API adds names only allowlisted variables", () => {
  const refused = (v: unknown, allow: string[]) => {
    try {
      refuseUnlisted(v, allow, "POST /__mockforge/routes");
      return null;
    } catch (e) {
      return e as MockForgeError;
    }
  };
  it("passes allowlisted names and {{env}} as a whole; refuses others with a coded error naming them", () => {
    expect(refused({ body: "{{env.REGION}} {{env}}" }, ["REGION"])).toBeNull();
    const e = refused({ body: "{{env.DB_PASSWORD}}", script: "mockforge.env.API_KEY" }, ["REGION"])!;
    expect(e.code).toBe("MFG_ERR_ENV_NOT_ALLOWED");
    expect(e.details.names).toEqual(["DB_PASSWORD", "API_KEY"]);
    expect(e.message).toContain("env_allowlist holds: REGION");
  });
  it("refuses a computed key (a signing secret would be rendered with the files' view)", () => {
    const e = refused({ signing: { scheme: "stripe", secret: "{{env['DB_' + 'PASSWORD']}}" } }, [])!;
    expect(e.code).toBe("MFG_ERR_ENV_NOT_ALLOWED");
    expect(e.details.paths).toEqual(["signing.secret"]);
  });
});
