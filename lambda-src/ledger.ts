/**
 * The `ledger` service's worker: posts entries to accounts, in order per account (a FIFO
 * queue whose message group is the account). An example of a service's own worker file.
 */
import { makeHandler } from "./worker";

/** The job a producer sends to `ledger-queue.fifo`, with the account id as message group. */
export interface LedgerPosting {
  readonly accountId: string;
  readonly entryId: string;
  /** Signed amount in the currency's minor unit (cents): integers, never floats, for money. */
  readonly amountCents: number;
  /** ISO 4217 code such as "EUR". */
  readonly currency: string;
}

/** Checks a posting; throws when it must not be booked. */
export function checkPosting(posting: LedgerPosting, messageGroupId: string | undefined): void {
  if (typeof posting?.entryId !== "string" || posting.entryId === "") throw new Error("posting without an entryId");
  if (posting.accountId !== messageGroupId) {
    throw new Error(
      `posting ${posting.entryId}: account ${posting.accountId} sent in message group ${messageGroupId}, so its order is not guaranteed`,
    );
  }
  if (!Number.isSafeInteger(posting.amountCents) || posting.amountCents === 0)
    throw new Error(`posting ${posting.entryId}: amount must be a non-zero integer of cents`);
  if (!/^[A-Z]{3}$/.test(posting.currency))
    throw new Error(`posting ${posting.entryId}: currency must be an ISO 4217 code`);
}

/**
 * Books the posting. The service has `idempotency` on, keyed on `entryId`: a posting that a
 * producer sends again (after the FIFO queue's 5-minute deduplication window, or with another
 * body) or that SQS delivers again is booked once per expiry window. A real service still
 * appends it in one transaction, so that a crash between booking and the idempotency record's
 * update cannot book half of it; the example logs it. A thrown error holds back this account's
 * later postings in the batch (they come back after this one, in order), and only this
 * account's: the plumbing goes on with the other accounts' postings. When this posting is on its
 * last receive, it goes to the DLQ and the account's later postings are booked after it
 * (docs/construct.md, "FIFO queues").
 */
export const handler = makeHandler<LedgerPosting>(
  // eslint-disable-next-line @typescript-eslint/require-await -- the business logic returns a Promise (MessageProcessor): a real worker awaits its I/O here
  async (posting, record) => {
    checkPosting(posting, record.attributes.MessageGroupId);
    console.log(
      JSON.stringify({
        event: "posting-booked",
        accountId: posting.accountId,
        entryId: posting.entryId,
        sequenceNumber: record.attributes.SequenceNumber,
        messageId: record.messageId,
      }),
    );
  },
  { idempotencyKey: (posting) => posting.entryId },
);
