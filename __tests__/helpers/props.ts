import * as path from "path";
import type { SqsWorkerProps } from "../../modules";
import type { ServiceWorkerProps } from "../../modules/app-entry";

/** The worker file tests use when its code does not matter to them. */
export const TEST_ENTRY = path.join(__dirname, "..", "fixtures", "test-worker.ts");

/** Worker props as tests write them: `lambda` (and so `lambda.entry`) optional. */
export type TestWorkerProps = Omit<ServiceWorkerProps, "lambda"> & {
  readonly lambda?: Partial<ServiceWorkerProps["lambda"]>;
};

/** `props` with {@link TEST_ENTRY} as `lambda.entry` unless they name one. */
export function withEntry<T extends { lambda?: Partial<SqsWorkerProps["lambda"]> }>(
  props: T,
): T & { lambda: SqsWorkerProps["lambda"] } {
  return { ...props, lambda: { entry: TEST_ENTRY, ...props.lambda } };
}
