/**
 * Every suite belongs to exactly one run: jest.config.ts lists the integration suites, the unit
 * run takes the rest, the e2e run takes __tests__/e2e/*.e2e.test.ts. These checks keep the list
 * and the names honest (jest.config.ts cannot read the file system: see its comment).
 */
import * as fs from "fs";
import * as path from "path";
import { INTEGRATION_SUITES } from "../jest.config";

const TESTS = __dirname;

test("every integration suite jest.config.ts lists exists, once", () => {
  const missing = INTEGRATION_SUITES.filter((file) => !fs.existsSync(path.join(TESTS, file)));
  expect(missing).toEqual([]);
  expect(new Set(INTEGRATION_SUITES).size).toBe(INTEGRATION_SUITES.length);
});

test("every suite in __tests__/e2e/ is named so that the e2e run picks it up", () => {
  const misnamed = fs
    .readdirSync(path.join(TESTS, "e2e"))
    .filter((file) => file.endsWith(".test.ts") && !file.endsWith(".e2e.test.ts"));
  expect(misnamed).toEqual([]);
});
