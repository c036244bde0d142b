// Jest setup (both configs): every test process gets its own state folder for the DLQ tool's
// journals and locks (tools/dlq/journal.ts), so tests never read or write ~/.local/state.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

process.env.SQS_WORKER_STATE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "sqs-worker-state-"));
