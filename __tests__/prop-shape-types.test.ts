import type { SqsWorkerProps, WorkerQueueProps } from "../modules";
import { PROP_SHAPE_ROWS, type PropPath, type PropShapeTable } from "../modules/sqs-worker/prop-shape";

// The shape table is typed against the props interfaces: `npm test` runs tsc over this file, and
// each @ts-expect-error below fails tsc if the mistake it shows stops being an error.

/** SqsWorkerProps with one more queue prop, as if someone added it to props.ts. */
interface PropsWithNewQueueProp extends SqsWorkerProps {
  readonly queue?: WorkerQueueProps & { readonly colour?: string };
}

/** The queue rows of the table, without a row for the new prop. */
const queueRowsToday = { ...PROP_SHAPE_ROWS.queue };

// @ts-expect-error a prop added to an interface without its row in the shape table
const missingRow = { ...PROP_SHAPE_ROWS, queue: queueRowsToday } satisfies PropShapeTable<PropsWithNewQueueProp>;

// @ts-expect-error a row for a prop that no interface has
const extraRow = { ...PROP_SHAPE_ROWS, queue: { ...queueRowsToday, colour: "string" } } satisfies PropShapeTable;

// @ts-expect-error a row whose kind is not its prop's type (queue.fifo is a boolean)
const wrongKind = { ...PROP_SHAPE_ROWS, queue: { ...queueRowsToday, fifo: "number" } } satisfies PropShapeTable;

// @ts-expect-error a prop path no interface has
const unknownPath: PropPath = "queue.colour";

test("the shape table matches the props interfaces (checked by tsc; see the @ts-expect-error lines)", () => {
  const withNewRow = { ...PROP_SHAPE_ROWS, queue: { ...queueRowsToday, colour: "string" } } as const;
  expect(withNewRow satisfies PropShapeTable<PropsWithNewQueueProp>).toBeDefined();
  expect([missingRow, extraRow, wrongKind, unknownPath]).toHaveLength(4);
  const known: PropPath[] = ["alarmTopicArn", "deadLetterQueue.alarmPeriodSeconds", "eventSource.provisionedPollers"];
  expect(known).toHaveLength(3);
});
