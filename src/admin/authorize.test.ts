import { describe, expect, it } from "vitest";
import { authorizeAdmin, isLoopbackAddress, isLoopbackBind } from "./authorize.js";

const open = { loopbackBind: true };
const code = (d: ReturnType<typeof authorizeAdmin>) => d?.code ?? null;

describe("authorizeAdmin", () => {
  it("denies a peer whose address is unknown (a reset socket), with or without a token", () => {
    expect(code(authorizeAdmin({ headers: {} }, undefined, open))).toBe("MFG_ERR_UNAUTHORIZED");
    expect(code(authorizeAdmin({ headers: {} }, "", open))).toBe("MFG_ERR_UNAUTHORIZED");
    expect(code(authorizeAdmin({ headers: { authorization: "Bearer t" } }, undefined, { token: "t", loopbackBind: false }))).toBe("MFG_ERR_UNAUTHORIZED");
  });

  it("without a token, lets loopback peers in and keeps others out", () => {
    for (const a of ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"]) expect(code(authorizeAdmin({ headers: {} }, a, open))).toBeNull();
    for (const a of ["10.0.0.5", "192.0.2.2", "::ffff:10.0.0.5", "fd00::2", "1127.0.0.1"]) expect(code(authorizeAdmin({ headers: {} }, a, { loopbackBind: false }))).toBe("MFG_ERR_UNAUTHORIZED");
  });

  it("with a token, wants it from every peer, loopback included", () => {
    const p = { token: "s3cret", loopbackBind: false };
    expect(code(authorizeAdmin({ headers: {} }, "127.0.0.1", p))).toBe("MFG_ERR_UNAUTHORIZED");
    expect(code(authorizeAdmin({ headers: { authorization: "Bearer wrong" } }, "10.0.0.5", p))).toBe("MFG_ERR_UNAUTHORIZED");
    expect(code(authorizeAdmin({ headers: { authorization: "Bearer s3cret" } }, "10.0.0.5", p))).toBeNull();
    expect(code(authorizeAdmin({ headers: { "x-mockforge-token": "s3cret" } }, "10.0.0.5", p))).toBeNull();
  });

  it("on a loopback bind, refuses a foreign Host (421); on another bind, Host is not checked", () => {
    expect(code(authorizeAdmin({ headers: { host: "evil.example:3000" } }, "127.0.0.1", open))).toBe("MFG_ERR_MISDIRECTED_HOST");
    expect(code(authorizeAdmin({ headers: { host: "127.0.0.1.evil.example" } }, "127.0.0.1", open))).toBe("MFG_ERR_MISDIRECTED_HOST");
    for (const host of ["localhost:3000", "LOCALHOST", "127.0.0.1:1", "[::1]:3000", "app.localhost:3000"]) expect(code(authorizeAdmin({ headers: { host } }, "127.0.0.1", open))).toBeNull();
    expect(code(authorizeAdmin({ headers: { host: "mock.internal:3000", authorization: "Bearer t" } }, "10.0.0.5", { token: "t", loopbackBind: false }))).toBeNull();
  });

  it("refuses a foreign Origin and cross-site fetches (403); the server's own origin passes", () => {
    const h = { host: "127.0.0.1:3000" };
    expect(code(authorizeAdmin({ headers: { ...h, origin: "http://evil.example" } }, "127.0.0.1", open))).toBe("MFG_ERR_FORBIDDEN_ORIGIN");
    expect(code(authorizeAdmin({ headers: { ...h, origin: "null" } }, "127.0.0.1", open))).toBe("MFG_ERR_FORBIDDEN_ORIGIN");
    expect(code(authorizeAdmin({ headers: { ...h, origin: "http://127.0.0.1:3001" } }, "127.0.0.1", open))).toBe("MFG_ERR_FORBIDDEN_ORIGIN");
    expect(code(authorizeAdmin({ headers: { ...h, "sec-fetch-site": "cross-site" } }, "127.0.0.1", open))).toBe("MFG_ERR_FORBIDDEN_ORIGIN");
    expect(code(authorizeAdmin({ headers: { ...h, origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" } }, "127.0.0.1", open))).toBeNull();
    expect(code(authorizeAdmin({ headers: { ...h, origin: "https://mocks.example" } }, "127.0.0.1", { ...open, ownOrigins: () => ["https://mocks.example"] }))).toBeNull();
  });
});

describe("loopback addresses and binds", () => {
  it("tells loopback from every-interface and external binds", () => {
    expect(isLoopbackAddress("127.1.2.3")).toBe(true);
    expect(isLoopbackAddress("128.0.0.1")).toBe(false);
    for (const h of ["127.0.0.1", "localhost", "::1", "[::1]"]) expect(isLoopbackBind(h)).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.0.2.2", "example.com"]) expect(isLoopbackBind(h)).toBe(false);
  });
});
