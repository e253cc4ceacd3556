import { describe, expect, it } from "vitest";
import { staticJson } from "./static-json";

/** Static assets that answer from `files`, counting each read; a missing file is a 404, as Cloudflare answers. */
function assetsOf(files: Record<string, unknown>) {
  const reads: string[] = [];
  return {
    reads,
    fetch: async (url: URL) => {
      reads.push(url.pathname);
      return url.pathname in files ? Response.json(files[url.pathname]) : new Response("Not Found", { status: 404 });
    },
  };
}

describe("staticJson", () => {
  it("reads the file at the first call, from the request's own origin, and keeps it for the isolate's life", async () => {
    const assets = assetsOf({ "/words.json": { title: "calltouch-gateway" } });
    const read = staticJson<{ title: string }>("/words.json");

    expect(await read(assets, "https://gateway.example/console/deals?q=1")).toEqual({ title: "calltouch-gateway" });
    expect(await read(assets, "https://gateway.example/console")).toEqual({ title: "calltouch-gateway" });
    expect(assets.reads).toEqual(["/words.json"]);
  });

  it("throws when the file cannot be read, and reads it again at the next call", async () => {
    const files: Record<string, unknown> = {};
    const assets = assetsOf(files);
    const read = staticJson<number[]>("/late.json");

    await expect(read(assets, "https://gateway.example/")).rejects.toThrow("the static asset /late.json answered 404");
    files["/late.json"] = [1, 2];
    expect(await read(assets, "https://gateway.example/")).toEqual([1, 2]);
    expect(assets.reads).toEqual(["/late.json", "/late.json"]);
  });
});
