import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

// What `npm pack` puts in the tarball, besides the compiled code (the consumer e2e installs it):
// the licence the package.json names, the changelog, and every doc the README links to, so the
// README's links work from node_modules/sqs-worker-cdktf as they do here.
const ROOT = path.join(__dirname, "..");
const packed = (): string[] => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((file) => file.path);
};

describe("the package tarball", () => {
  const files = packed();

  test("holds the licence package.json names, and the changelog", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      license: string;
      version: string;
    };
    expect(manifest.license).toBe("Apache-2.0");
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "CHANGELOG.md", "README.md", "package.json"]));
    expect(fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8")).toMatch(/^Apache License\s+Version 2\.0, January 2004/);
    // The changelog has a section for the version being packed.
    expect(fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8")).toContain(`## ${manifest.version}`);
  });

  test("holds every file the README links to, so the links work from an installed copy", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const linked = [...readme.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)].map((m) => path.normalize(m[1]));
    expect(linked.length).toBeGreaterThan(3);
    for (const target of linked) {
      const isFolder = fs.existsSync(path.join(ROOT, target)) && fs.statSync(path.join(ROOT, target)).isDirectory();
      const present = isFolder ? files.some((file) => file.startsWith(`${target}/`)) : files.includes(target);
      expect({ target, present }).toEqual({ target, present: true });
    }
    for (const doc of fs.readdirSync(path.join(ROOT, "docs"))) expect(files).toContain(`docs/${doc}`);
  });
});
