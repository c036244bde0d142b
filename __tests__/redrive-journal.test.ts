import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RedriveJournal, dlqKey, replay, stateFolder, type JournalState } from "../tools/dlq/journal";

// The client-side redrive's journal (tools/dlq/journal.ts): what each record leaves when
// replayed, a torn last line, the 14-day limit, compaction at open, where the file lives.

const NOW = Date.parse("2026-11-27T12:00:00.000Z");
const DLQ_ARN = "arn:aws:sqs:eu-west-1:210987654321:orders-dlq.fifo";
const lines = (...records: object[]) => records.map((r) => JSON.stringify(r));

/** A state as plain objects, for toEqual. */
function plain(state: JournalState) {
  return {
    copied: Object.fromEntries(state.copied),
    inDoubt: Object.fromEntries(state.inDoubt),
    held: Object.fromEntries(state.held),
    receivingUntil: state.receivingUntil,
  };
}

const EMPTY = { copied: {}, inDoubt: {}, held: {}, receivingUntil: undefined };

describe("replay", () => {
  test("an empty journal leaves nothing", () => {
    expect(plain(replay([], NOW))).toEqual(EMPTY);
  });

  test("receiving, then received: the receive is over and its handles are held", () => {
    expect(plain(replay(lines({ t: "receiving", at: NOW - 1000, visibility: 30 }), NOW))).toEqual({
      ...EMPTY,
      receivingUntil: NOW - 1000 + 30_000,
    });
    expect(
      plain(
        replay(
          lines(
            { t: "receiving", at: NOW - 1000, visibility: 30 },
            { t: "received", at: NOW - 900, handles: { a: "rh-a", b: "rh-b" } },
          ),
          NOW,
        ),
      ),
    ).toEqual({
      ...EMPTY,
      held: { a: "rh-a", b: "rh-b" },
    });
  });

  test("sending → sent → deleted leaves nothing; sending → sent leaves a copied entry with the held handle and the sending time", () => {
    const received = { t: "received", at: NOW - 5000, handles: { a: "rh-a", b: "rh-b" } };
    const sending = { t: "sending", at: NOW - 4000, ids: ["a", "b"] };
    expect(
      plain(replay(lines(received, sending, { t: "sent", ids: ["a", "b"] }, { t: "deleted", ids: ["a", "b"] }), NOW)),
    ).toEqual(EMPTY);
    expect(plain(replay(lines(received, sending, { t: "sent", ids: ["a"] }), NOW))).toEqual({
      ...EMPTY,
      copied: { a: { at: NOW - 4000, handle: "rh-a" } },
      inDoubt: { b: { at: NOW - 4000 } },
      held: { a: "rh-a", b: "rh-b" },
    });
  });

  test("a sending without an answer is in doubt, from the earliest attempt", () => {
    const state = replay(
      lines(
        { t: "sending", at: NOW - 3000, ids: ["a"] },
        { t: "sending", at: NOW - 1000, ids: ["a", "b"] },
        { t: "sending", at: NOW - 9000, ids: ["b"] },
      ),
      NOW,
    );
    expect(plain(state)).toEqual({ ...EMPTY, inDoubt: { a: { at: NOW - 3000 }, b: { at: NOW - 9000 } } });
  });

  test("a send-failed answer means the copy was not taken: neither copied nor in doubt, still held", () => {
    const state = replay(
      lines(
        { t: "received", at: NOW - 2000, handles: { a: "rh-a" } },
        { t: "sending", at: NOW - 1000, ids: ["a"] },
        { t: "send-failed", ids: ["a"] },
      ),
      NOW,
    );
    expect(plain(state)).toEqual({ ...EMPTY, held: { a: "rh-a" } });
  });

  test("received again after a copy: the copied entry takes the new receipt handle", () => {
    const state = replay(
      lines(
        { t: "received", at: NOW - 60_000, handles: { a: "rh-a-1" } },
        { t: "sending", at: NOW - 59_000, ids: ["a"] },
        { t: "sent", ids: ["a"] },
        { t: "released", ids: ["a"] },
        { t: "received", at: NOW - 1000, handles: { a: "rh-a-2", b: "rh-b" } },
      ),
      NOW,
    );
    expect(plain(state)).toEqual({
      ...EMPTY,
      copied: { a: { at: NOW - 59_000, handle: "rh-a-2" } },
      held: { a: "rh-a-2", b: "rh-b" },
    });
  });

  test("a sent without a sending record (nothing to take the time from) is dated now", () => {
    expect(plain(replay(lines({ t: "sent", ids: ["x"] }), NOW))).toEqual({
      ...EMPTY,
      copied: { x: { at: NOW, handle: undefined } },
    });
  });

  test("released: the handle is no longer held, a copied entry keeps it (to delete the original)", () => {
    const state = replay(
      lines(
        { t: "received", at: NOW - 2000, handles: { a: "rh-a", b: "rh-b" } },
        { t: "sending", at: NOW - 1500, ids: ["a"] },
        { t: "sent", ids: ["a"] },
        { t: "released", ids: ["a", "b"] },
      ),
      NOW,
    );
    expect(plain(state)).toEqual({ ...EMPTY, copied: { a: { at: NOW - 1500, handle: "rh-a" } } });
  });

  test("resolved delivered: in doubt becomes copied (its original is deleted without a copy); resolved resend: no longer in doubt, not copied", () => {
    const before = [
      { t: "received", at: NOW - 2000, handles: { a: "rh-a", b: "rh-b" } },
      { t: "sending", at: NOW - 1800, ids: ["a", "b"] },
    ];
    expect(
      plain(
        replay(
          lines(...before, { t: "resolved", ids: ["a"], as: "delivered" }, { t: "resolved", ids: ["b"], as: "resend" }),
          NOW,
        ),
      ),
    ).toEqual({
      ...EMPTY,
      copied: { a: { at: NOW - 1800, handle: "rh-a" } },
      held: { a: "rh-a", b: "rh-b" },
    });
    // Delivered, then deleted: finished.
    expect(
      plain(
        replay(
          lines(...before, { t: "resolved", ids: ["a", "b"], as: "delivered" }, { t: "deleted", ids: ["a", "b"] }),
          NOW,
        ),
      ),
    ).toEqual(EMPTY);
  });

  test("a state record is the starting point, and later records apply on top of it", () => {
    const state = replay(
      lines(
        {
          t: "state",
          copied: { a: { at: NOW - 10_000, handle: "rh-a" } },
          inDoubt: { b: { at: NOW - 20_000 } },
          held: { a: "rh-a", c: "rh-c" },
          receivingUntil: NOW + 5000,
        },
        { t: "sending", at: NOW - 1000, ids: ["b"] }, // a resend: the first attempt's time stays
        { t: "sent", ids: ["b"] },
        { t: "deleted", ids: ["a"] },
      ),
      NOW,
    );
    expect(plain(state)).toEqual({
      copied: { b: { at: NOW - 20_000, handle: undefined } },
      inDoubt: {},
      held: { c: "rh-c" },
      receivingUntil: NOW + 5000,
    });
  });

  test("a torn last line (a crash mid-write) is ignored", () => {
    const whole = lines(
      { t: "received", at: NOW - 2000, handles: { a: "rh-a" } },
      { t: "sending", at: NOW - 1000, ids: ["a"] },
    );
    const sent = JSON.stringify({ t: "sent", ids: ["a"] });
    for (let cut = 1; cut < sent.length; cut++) {
      expect(plain(replay([...whole, sent.slice(0, cut)], NOW))).toEqual({
        ...EMPTY,
        inDoubt: { a: { at: NOW - 1000 } },
        held: { a: "rh-a" },
      });
    }
  });

  test("copied entries older than 14 days are dropped (no original can be left); younger ones kept", () => {
    const day = 86_400_000;
    const state = replay(
      lines(
        { t: "sending", at: NOW - 14 * day - 1, ids: ["old"] },
        { t: "sending", at: NOW - 14 * day + 60_000, ids: ["young"] },
        { t: "sent", ids: ["old", "young"] },
      ),
      NOW,
    );
    expect([...state.copied.keys()]).toEqual(["young"]);
  });
});

describe("RedriveJournal", () => {
  let folder: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "redrive-journal-"));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  const journalFile = () => path.join(folder, "redrive", `${dlqKey(DLQ_ARN)}.journal`);
  const records = () =>
    fs
      .readFileSync(journalFile(), "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as unknown);

  test("a fresh journal finds nothing, writes one empty state line, then one line per call", () => {
    const journal = RedriveJournal.open(folder, DLQ_ARN, NOW);
    expect(journal.file).toBe(journalFile());
    expect(plain(journal.found)).toEqual(EMPTY);
    journal.receiving(30, NOW + 1);
    journal.received({ a: "rh-a" }, NOW + 2);
    journal.sending(["a"], NOW + 3);
    journal.sent(["a"]);
    journal.sendFailed([]); // empty: not written
    journal.deleted(["a"]);
    journal.released([]);
    journal.resolved([], "resend");
    journal.close();
    expect(records()).toEqual([
      { t: "state", copied: {}, inDoubt: {}, held: {} },
      { t: "receiving", at: NOW + 1, visibility: 30 },
      { t: "received", at: NOW + 2, handles: { a: "rh-a" } },
      { t: "sending", at: NOW + 3, ids: ["a"] },
      { t: "sent", ids: ["a"] },
      { t: "deleted", ids: ["a"] },
    ]);
  });

  test("open compacts what earlier runs wrote into one state line, and a second open reads it back the same", () => {
    const first = RedriveJournal.open(folder, DLQ_ARN, NOW - 60_000);
    first.received({ a: "rh-a", b: "rh-b", c: "rh-c", d: "rh-d" }, NOW - 50_000);
    first.sending(["a", "b"], NOW - 40_000);
    first.sent(["a"]); // b: no answer, in doubt
    first.sending(["c"], NOW - 30_000);
    first.sendFailed(["c"]);
    first.released(["c"]);
    first.receiving(30, NOW - 20_000); // the run stopped inside a receive
    first.close();
    expect(records()).toHaveLength(8);

    const second = RedriveJournal.open(folder, DLQ_ARN, NOW);
    const expected = {
      copied: { a: { at: NOW - 40_000, handle: "rh-a" } },
      inDoubt: { b: { at: NOW - 40_000 } },
      held: { a: "rh-a", b: "rh-b", d: "rh-d" },
      receivingUntil: NOW - 20_000 + 30_000,
    };
    expect(plain(second.found)).toEqual(expected);
    second.close();
    expect(records()).toEqual([{ t: "state", ...expected }]);

    const third = RedriveJournal.open(folder, DLQ_ARN, NOW + 1000);
    expect(plain(third.found)).toEqual(expected);
    third.close();
    expect(records()).toEqual([{ t: "state", ...expected }]);
    // No temporary file is left beside it.
    expect(fs.readdirSync(path.dirname(journalFile()))).toEqual([path.basename(journalFile())]);
  });

  test("open drops a torn last line for good, and appends after the compacted state", () => {
    fs.mkdirSync(path.dirname(journalFile()), { recursive: true });
    fs.writeFileSync(
      journalFile(),
      `${lines({ t: "sending", at: NOW - 1000, ids: ["a"] }).join("\n")}\n{"t":"sent","ids":["`,
    );
    const journal = RedriveJournal.open(folder, DLQ_ARN, NOW);
    expect(plain(journal.found)).toEqual({ ...EMPTY, inDoubt: { a: { at: NOW - 1000 } } });
    journal.resolved(["a"], "resend");
    journal.close();
    expect(records()).toEqual([
      { t: "state", copied: {}, inDoubt: { a: { at: NOW - 1000 } }, held: {} },
      { t: "resolved", ids: ["a"], as: "resend" },
    ]);
  });

  test("open drops copied entries older than 14 days from the file too", () => {
    const journal = RedriveJournal.open(folder, DLQ_ARN, NOW);
    journal.sending(["old"], NOW - 15 * 86_400_000);
    journal.sent(["old"]);
    journal.close();
    const later = RedriveJournal.open(folder, DLQ_ARN, NOW);
    expect(later.found.copied.size).toBe(0);
    later.close();
    expect(records()).toEqual([{ t: "state", copied: {}, inDoubt: {}, held: {} }]);
  });

  test("each DLQ has its own journal", () => {
    const other = "arn:aws:sqs:eu-west-1:210987654321:payments-dlq";
    const a = RedriveJournal.open(folder, DLQ_ARN, NOW);
    a.sending(["m"], NOW);
    a.close();
    const b = RedriveJournal.open(folder, other, NOW);
    expect(b.found.inDoubt.size).toBe(0);
    expect(b.file).not.toBe(a.file);
    b.close();
  });

  const posix = process.platform === "win32" ? test.skip : test;
  posix("the journal is private (0600) in private folders (0700), whatever the umask allows", () => {
    const state = path.join(folder, "state", "sqs-worker");
    const previous = process.umask(0o022);
    try {
      RedriveJournal.open(state, DLQ_ARN, NOW).close();
    } finally {
      process.umask(previous);
    }
    const file = path.join(state, "redrive", `${dlqKey(DLQ_ARN)}.journal`);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    expect((fs.statSync(path.dirname(file)).mode & 0o777).toString(8)).toBe("700");
    expect((fs.statSync(state).mode & 0o777).toString(8)).toBe("700");
  });
});

describe("where the journal lives", () => {
  test("SQS_WORKER_STATE_DIR first, then XDG_STATE_HOME/sqs-worker, then HOME/.local/state/sqs-worker", () => {
    expect(stateFolder({ SQS_WORKER_STATE_DIR: "/srv/state", XDG_STATE_HOME: "/xdg", HOME: "/home/al" })).toBe(
      path.resolve("/srv/state"),
    );
    expect(stateFolder({ SQS_WORKER_STATE_DIR: "rel/state" })).toBe(path.resolve("rel/state"));
    expect(stateFolder({ XDG_STATE_HOME: "/xdg", HOME: "/home/al" })).toBe(path.join("/xdg", "sqs-worker"));
    expect(stateFolder({ SQS_WORKER_STATE_DIR: "", XDG_STATE_HOME: "", HOME: "/home/al" })).toBe(
      path.join("/home/al", ".local", "state", "sqs-worker"),
    );
    expect(stateFolder({})).toBe(path.join(os.homedir(), ".local", "state", "sqs-worker"));
  });

  test("the DLQ key is region_account_name from the ARN, safe as a file name", () => {
    expect(dlqKey("arn:aws:sqs:us-east-1:123456789012:orders-dlq")).toBe("us-east-1_123456789012_orders-dlq");
    expect(dlqKey("arn:aws:sqs:eu-west-1:210987654321:orders-dlq.fifo")).toBe("eu-west-1_210987654321_orders-dlq.fifo");
    expect(dlqKey("arn:aws-cn:sqs:cn-north-1:123456789012:a/b c")).toBe("cn-north-1_123456789012_a-b-c");
  });
});
