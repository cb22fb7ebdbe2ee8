/**
 * A real process for the crash test (run with `node --import tsx`):
 *
 *   outbox-process.ts enqueue <db> <url> <count>   stores <count> deliveries (the receiver is
 *       down, so they keep failing and retrying), prints "durable <count>", and runs on until
 *       it is killed.
 *   outbox-process.ts deliver <db>                 starts an engine on the same file, prints
 *       "started", waits until the outbox is drained, prints "drained <left>" and exits.
 */
import { systemClock } from "../../core/clock.js";
import { silentLogger } from "../../core/logger.js";
import { systemRandom } from "../../core/random.js";
import { createSqliteStorage } from "../../storage/sqlite/sqlite-storage.js";
import { createDeliveryEngine } from "../delivery-engine.js";

const [mode, db, url, countText] = process.argv.slice(2);
const storage = createSqliteStorage(db!);
const engine = createDeliveryEngine({ storage, clock: systemClock, random: systemRandom, logger: silentLogger, pollIntervalMs: 200 });
await engine.start();

if (mode === "enqueue") {
  const count = Number(countText);
  // Short retry delays so the resumed run does not wait long for what was scheduled before the kill.
  const retry = { max_attempts: 100, initial_delay_ms: 50, max_delay_seconds: 0.5 };
  for (let n = 0; n < count; n++) {
    await engine.enqueue({ method: "POST", url: url!, body: { n } }, { source: { kind: "api", id: "crash-test" }, retry });
  }
  process.stdout.write(`durable ${count}\n`);
  // Stay alive (the clock's timers are unref'd) until the test kills this process.
  process.stdin.resume();
} else if (mode === "deliver") {
  process.stdout.write("started\n");
  const left = await engine.drain(60_000);
  await engine.stop();
  await storage.close();
  process.stdout.write(`drained ${left}\n`);
} else {
  process.stderr.write(`unknown mode '${mode}'\n`);
  process.exitCode = 2;
}
