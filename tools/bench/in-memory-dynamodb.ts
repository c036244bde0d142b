/**
 * For `npm run bench` only: answers the four DynamoDB item calls Powertools' idempotency makes
 * (PutItem with its condition, GetItem, UpdateItem, DeleteItem) from a Map in this process, so
 * that the benchmark measures the plumbing's own CPU per record (hashing, marshalling, JMESPath,
 * the SDK's middleware stack up to the transport) and not a network. Not a DynamoDB emulator:
 * the e2e suite runs the real thing against moto.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";

type Item = Record<string, { S?: string; N?: string }>;

/** The fields of the four item calls' inputs that this stand-in reads. */
interface ItemCallInput {
  readonly Item?: Item;
  readonly Key?: Item;
  readonly ExpressionAttributeValues?: Item;
}

/**
 * Replaces `DynamoDBClient.prototype.send` while `run` runs. The SDK's own request pipeline
 * (serialization, signing, HTTP) is therefore not measured: it and DynamoDB's round trip come on top.
 */
export async function withInMemoryDynamoDb<T>(run: () => Promise<T>): Promise<T> {
  const items = new Map<string, Item>();
  // Restored as it was, on the prototype it came from: never called unbound.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = DynamoDBClient.prototype.send;
  DynamoDBClient.prototype.send = function send(
    this: DynamoDBClient,
    command: { constructor: { name: string }; input: ItemCallInput },
  ) {
    return Promise.resolve().then(() => answer(items, command.constructor.name, command.input));
  } as typeof original;
  try {
    return await run();
  } finally {
    DynamoDBClient.prototype.send = original;
  }
}

/** One call's answer from `items`, as DynamoDB would give it; a refused PutItem throws as DynamoDB's does. */
function answer(items: Map<string, Item>, command: string, input: ItemCallInput): { Item?: Item } {
  const key = (input.Item ?? input.Key)?.id?.S;
  if (key === undefined) throw new Error(`in-memory DynamoDB: ${command} without an id key`);
  const values = input.ExpressionAttributeValues ?? {};
  switch (command) {
    case "PutItemCommand": {
      const existing = items.get(key);
      const now = Number(values[":now"]?.N);
      const nowMs = Number(values[":now_in_millis"]?.N);
      const free =
        !existing ||
        Number(existing.expiration?.N) < now ||
        (existing.status?.S === "INPROGRESS" &&
          existing.in_progress_expiration !== undefined &&
          Number(existing.in_progress_expiration.N) < nowMs);
      if (!free)
        throw new ConditionalCheckFailedException({
          message: "The conditional request failed",
          $metadata: {},
          Item: existing as never,
        });
      items.set(key, input.Item ?? {});
      return {};
    }
    case "GetItemCommand":
      return { Item: items.get(key) };
    case "UpdateItemCommand":
      items.set(key, { ...items.get(key), expiration: values[":expiry"], status: values[":status"] });
      return {};
    case "DeleteItemCommand":
      items.delete(key);
      return {};
    default:
      throw new Error(`in-memory DynamoDB: ${command} is not expected`);
  }
}
