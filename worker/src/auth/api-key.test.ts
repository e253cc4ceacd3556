import { describe, expect, it } from "vitest";
import { authenticate } from "./api-key";

const sha256 = async (text: string) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));

describe("authenticate", async () => {
  const hashes = [await sha256("first-key"), await sha256("second-key")];

  it("accepts each known key and labels it by its digest, not by the key", async () => {
    const principal = await authenticate("Bearer second-key", hashes);
    expect(principal).toEqual({ keyId: hashes[1]!.toHex().slice(0, 8) });
    expect(await authenticate("bearer first-key", hashes)).not.toBeNull();
  });

  it.each([
    ["a missing header", undefined],
    ["an empty header", ""],
    ["an unknown key", "Bearer third-key"],
    ["another scheme", "Basic Zmlyc3Qta2V5"],
    ["a key with a suffix", "Bearer first-key2"],
    ["two tokens", "Bearer first-key second-key"],
  ])("refuses %s", async (_, header) => {
    expect(await authenticate(header, hashes)).toBeNull();
  });
});
