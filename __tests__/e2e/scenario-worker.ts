import { appendFileSync } from "fs";
import { makeHandler } from "../../lambda-src/worker";

/** A message of the e2e scenarios; `kind` decides what the business logic does with it. */
export interface ScenarioMessage {
  readonly id: string;
  /**
   * good: succeeds; poison: always throws; transient: throws on its first receive only; slow:
   * succeeds after sleepMs; stall-first: on its first receive sleeps sleepMs (past the function
   * timeout, so the invocation is killed mid-job, as a crash), afterwards succeeds at once;
   * stall-until-fixed: sleeps sleepMs on every receive until the environment has SCENARIO_FIXED
   * (a bug, then its fix deployed), afterwards succeeds at once.
   */
  readonly kind: "good" | "poison" | "transient" | "slow" | "stall-first" | "stall-until-fixed";
  readonly sleepMs?: number;
  /** The job's own identity, for the idempotency scenarios' body key (SCENARIO_BODY_KEY=jobKey). */
  readonly jobKey?: string;
}

/** One line of the processing log the tests read back. */
export interface ScenarioLogEntry {
  readonly id: string;
  readonly kind: ScenarioMessage["kind"];
  readonly attempt: number;
  readonly outcome: "ok" | "failed";
}

/**
 * The e2e worker: the real plumbing of lambda-src/worker.ts around scenario business logic
 * that appends every attempt to the file named by SCENARIO_LOG (appends of one short line are
 * atomic, so concurrent execution environments can share the file). With SCENARIO_BODY_KEY set
 * (and the service's idempotency on) the body field it names is the idempotency key.
 */
const bodyKey = process.env.SCENARIO_BODY_KEY as keyof ScenarioMessage | undefined;
export const handler = makeHandler<ScenarioMessage>(
  async (m, record) => {
    const attempt = Number(record.attributes.ApproximateReceiveCount);
    const log = (outcome: ScenarioLogEntry["outcome"]) => {
      const entry: ScenarioLogEntry = { id: m.id, kind: m.kind, attempt, outcome };
      if (process.env.SCENARIO_LOG) appendFileSync(process.env.SCENARIO_LOG, `${JSON.stringify(entry)}\n`);
    };
    const stalls =
      m.kind === "stall-first" ? attempt === 1 : m.kind === "stall-until-fixed" ? !process.env.SCENARIO_FIXED : true;
    if (m.sleepMs && stalls) await new Promise((resolve) => setTimeout(resolve, m.sleepMs));
    if (m.kind === "poison" || (m.kind === "transient" && attempt === 1)) {
      log("failed");
      throw new Error(`${m.kind} message ${m.id} failed on attempt ${attempt}`);
    }
    log("ok");
  },
  bodyKey ? { idempotencyKey: (m) => String(m[bodyKey]) } : {},
);
