/**
 * The `orders` service's worker: accepts placed orders. An example of a service's own worker
 * file; the construct bundles it because `examples/services.ts` names it as `lambda.entry`.
 */
import { makeHandler } from "./worker";

/** The job a producer sends to `orders-queue`. */
export interface OrderPlaced {
  readonly orderId: string;
  readonly customerId: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number; readonly unitPriceCents: number }[];
}

/** Checks the body and computes the order total in cents; throws on anything it cannot price. */
export function priceOrder(order: OrderPlaced): number {
  if (typeof order?.orderId !== "string" || order.orderId === "") throw new Error("order without an orderId");
  if (typeof order.customerId !== "string" || order.customerId === "")
    throw new Error(`order ${order.orderId}: no customerId`);
  if (!Array.isArray(order.lines) || order.lines.length === 0) throw new Error(`order ${order.orderId}: no lines`);
  /* eslint-disable @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-member-access -- Array.isArray narrows the readonly lines to any[] (TypeScript issue 17002); each field is checked below */
  return order.lines.reduce((total, line) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1)
      throw new Error(`order ${order.orderId}: bad quantity for ${line.sku}`);
    if (!Number.isInteger(line.unitPriceCents) || line.unitPriceCents < 0)
      throw new Error(`order ${order.orderId}: bad price for ${line.sku}`);
    return total + line.quantity * line.unitPriceCents;
  }, 0);
  /* eslint-enable @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-member-access */
}

/**
 * Prices the order and records it. A real service writes the accepted order to its database
 * keyed on `orderId` (so a redelivered message does not create a second order); the example
 * writes a structured log line instead. Ids, not bodies, go to the log.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- the business logic returns a Promise (MessageProcessor): a real worker awaits its I/O here
export const handler = makeHandler<OrderPlaced>(async (order, record) => {
  const totalCents = priceOrder(order);
  console.log(
    JSON.stringify({
      event: "order-accepted",
      orderId: order.orderId,
      lines: order.lines.length,
      totalCents,
      messageId: record.messageId,
    }),
  );
});
