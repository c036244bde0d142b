import type { Message } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from "aws-lambda";

/** Where the records came from, as Lambda's event names it. */
export interface EventSource {
  readonly queueArn: string;
  readonly region: string;
}

function messageAttributes(message: Message): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    result[name] = {
      dataType: value.DataType ?? "String",
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString("base64") : undefined,
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return result;
}

/**
 * Converts a received SQS message into the record Lambda's event source mapping would put
 * in the event: same field names, system attributes (ApproximateReceiveCount and the FIFO
 * ones included) and message attributes in Lambda's camelCase shape.
 */
export function toSqsRecord(message: Message, source: EventSource): SQSRecord {
  const system = message.Attributes ?? {};
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(system)) if (value !== undefined) attributes[key] = value;
  const record: SQSRecord = {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: attributes as unknown as SQSRecordAttributes,
    messageAttributes: messageAttributes(message),
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
  if (message.MD5OfMessageAttributes)
    (record as SQSRecord & { md5OfMessageAttributes: string }).md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** The event for one batch. */
export function toSqsEvent(messages: readonly Message[], source: EventSource): SQSEvent {
  return { Records: messages.map((m) => toSqsRecord(m, source)) };
}
