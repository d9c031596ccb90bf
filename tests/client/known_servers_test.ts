import { assert, assertEqual } from "../_helpers/assert.ts";
import { acceptServer, checkServer, knownServersPath } from "../../client/known_servers.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "parley-known-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("checkServer records a new server, then answers same", () =>
  withDir(async (dir) => {
    const file = `${dir}/cfg/known_servers`;
    assertEqual(await checkServer(file, "chat.example.org:5003", "SHA256:aaa"), { status: "new" });
    assertEqual(await Deno.readTextFile(file), "chat.example.org:5003 SHA256:aaa\n");
    assertEqual(await checkServer(file, "Chat.Example.ORG:5003", "SHA256:aaa"), {
      status: "same",
    });
    assertEqual(await checkServer(file, "[::1]:5003", "AB:CD"), { status: "new" });
    assertEqual(await checkServer(file, "[::1]:5003", "AB:CD"), { status: "same" });
    assertEqual(await checkServer(file, "chat.example.org:5004", "SHA256:bbb"), {
      status: "new",
    }, "another port is another server");
  }));

Deno.test("checkServer reports a changed fingerprint and never overwrites it", () =>
  withDir(async (dir) => {
    const file = `${dir}/known_servers`;
    await checkServer(file, "h:1", "SHA256:old");
    const before = await Deno.readTextFile(file);
    assertEqual(await checkServer(file, "h:1", "SHA256:new"), {
      status: "changed",
      previous: "SHA256:old",
    });
    assertEqual(await checkServer(file, "h:1", "SHA256:new"), {
      status: "changed",
      previous: "SHA256:old",
    });
    assertEqual(await Deno.readTextFile(file), before);
  }));

Deno.test("acceptServer replaces the entry and keeps comments and other servers", () =>
  withDir(async (dir) => {
    const file = `${dir}/known_servers`;
    await Deno.writeTextFile(
      file,
      "# my servers\n\nh:1 SHA256:old\nother:2\tSHA256:keep\nh:1 SHA256:older\n# end",
    );
    assertEqual((await checkServer(file, "h:1", "SHA256:new")).status, "changed");
    await acceptServer(file, "h:1", "SHA256:new");
    assertEqual(
      await Deno.readTextFile(file),
      "# my servers\n\nh:1 SHA256:new\nother:2\tSHA256:keep\n# end\n",
    );
    assertEqual(await checkServer(file, "h:1", "SHA256:new"), { status: "same" });
    assertEqual(await checkServer(file, "other:2", "SHA256:keep"), { status: "same" });
    await acceptServer(file, "fresh:3", "SHA256:f");
    assertEqual(await checkServer(file, "fresh:3", "SHA256:f"), { status: "same" });
    assertEqual((await Array.fromAsync(Deno.readDir(dir))).length, 1, "no temp file left");
  }));

Deno.test("checkServer ignores comment lines that look like entries and appends after a missing newline", () =>
  withDir(async (dir) => {
    const file = `${dir}/known_servers`;
    await Deno.writeTextFile(file, "#h:1 SHA256:commented\nx:1 SHA256:x");
    assertEqual(await checkServer(file, "h:1", "SHA256:real"), { status: "new" });
    assertEqual(
      await Deno.readTextFile(file),
      "#h:1 SHA256:commented\nx:1 SHA256:x\nh:1 SHA256:real\n",
    );
  }));

Deno.test("checkServer refuses whitespace in the host or fingerprint", () =>
  withDir(async (dir) => {
    let refused = 0;
    for (const [host, fp] of [["a b:1", "f"], ["h:1", "SHA256:a b"], ["", "f"], ["#h:1", "f"]]) {
      try {
        await checkServer(`${dir}/known_servers`, host, fp);
      } catch (error) {
        if (error instanceof TypeError) refused++;
      }
    }
    assertEqual(refused, 4);
  }));

Deno.test("knownServersPath sits beside the identity file", () => {
  assert(
    knownServersPath("/home/a/.config/parley/identity.json").endsWith("parley/known_servers"),
  );
});
