import * as path from "path";
import { nodeSupportLine, SDK_NODE_WARNING_SWITCH } from "../tools/shared/node-support";
import { docPath } from "../tools/shared/package-docs";

// What a command says about itself rather than what its dependencies say: one line about Node.js
// instead of the AWS SDK's eight, and paths to the package's docs that open from the folder the
// command runs in (this repository, or a consumer's app with the package in node_modules).

/** A fresh copy of the module, with its once-per-process flag unset: call it inside jest.isolateModules. */
function freshNodeSupport(): typeof import("../tools/shared/node-support") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only a require inside isolateModules loads the module anew
  return require("../tools/shared/node-support") as typeof import("../tools/shared/node-support");
}

describe("Node.js support: one line of ours instead of the AWS SDK's warning", () => {
  test("Node 20 (and older) gets one line saying it is past its end of life and to use Node 22; 22 and later none", () => {
    expect(nodeSupportLine("v20.20.2")).toBe(
      "sqs-worker: Node.js v20.20.2 is past its end of life (April 2026): use Node.js 22 or later (the AWS SDK's releases from January 2027 require it)",
    );
    expect(nodeSupportLine("v18.20.8")).toMatch(
      /^sqs-worker: Node\.js v18\.20\.8 is past its end of life: use Node\.js 22 or later/,
    );
    expect(nodeSupportLine("v22.12.0")).toBeUndefined();
    expect(nodeSupportLine("v24.1.0")).toBeUndefined();
  });

  test("once per process: it turns the SDK's own warning off with the SDK's documented switch (threads inherit it), and writes the line once", () => {
    jest.isolateModules(() => {
      const { announceNodeSupport: announce } = freshNodeSupport();
      const env: NodeJS.ProcessEnv = {};
      const lines: string[] = [];
      announce((line) => lines.push(line), env, "v20.20.2");
      announce((line) => lines.push(line), env, "v20.20.2");
      expect(lines).toEqual([nodeSupportLine("v20.20.2")]);
      expect(env[SDK_NODE_WARNING_SWITCH]).toBe("true");
    });
  });

  test("nothing on a supported Node, and nothing of ours when the user set the SDK's switch", () => {
    jest.isolateModules(() => {
      const { announceNodeSupport: announce } = freshNodeSupport();
      const env: NodeJS.ProcessEnv = {};
      const lines: string[] = [];
      announce((line) => lines.push(line), env, "v22.12.0");
      expect([lines, env]).toEqual([[], {}]);
    });
    jest.isolateModules(() => {
      const { announceNodeSupport: announce } = freshNodeSupport();
      const env: NodeJS.ProcessEnv = { [SDK_NODE_WARNING_SWITCH]: "false" };
      const lines: string[] = [];
      announce((line) => lines.push(line), env, "v20.20.2");
      expect([lines, env]).toEqual([[], { [SDK_NODE_WARNING_SWITCH]: "false" }]);
    });
  });
});

describe("the package's docs, as the commands name them", () => {
  const ROOT = path.resolve(__dirname, "..");

  test("relative to the folder the command runs in: docs/runbook.md here, <package folder>/docs/runbook.md from the folder above (an app's node_modules/sqs-worker-cdktf)", () => {
    expect(docPath("runbook.md", ROOT)).toBe("docs/runbook.md");
    expect(docPath("runbook.md", path.dirname(ROOT))).toBe(path.join(path.basename(ROOT), "docs", "runbook.md"));
    expect(docPath("playground.md#2-deploy-a-service", ROOT)).toBe("docs/playground.md#2-deploy-a-service");
  });

  test("absolute from a folder the package is not below, so it still opens", () => {
    expect(docPath("runbook.md", path.join(ROOT, "__tests__"))).toBe(path.join(ROOT, "docs", "runbook.md"));
  });
});
