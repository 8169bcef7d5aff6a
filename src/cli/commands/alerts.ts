/**
 * `leadscore alerts`: inspect the alert outbox and replay dead letters, directly in the service's
 * database (a running service's delivery worker picks replayed rows up within its poll interval).
 */
import type { Command } from "commander";
import { Alerts, DELIVERY_STATUSES, type DeliveryView } from "../../service/alerts/alerts.js";
import { ConfigError, loadConfig } from "../../service/config.js";
import { DomainError } from "../../service/shared/errors.js";
import { type Database, openDatabase } from "../../store/database.js";
import { UserError } from "../errors.js";

interface DbOptions {
  config?: string;
  dataDir?: string;
}

async function withAlerts<T>(options: DbOptions, run: (alerts: Alerts) => Promise<T>): Promise<T> {
  let database: Database;
  try {
    database = await openDatabase(
      loadConfig({ file: options.config, overrides: { dataDir: options.dataDir } }),
    );
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(error.message);
    throw error;
  }
  try {
    return await run(new Alerts(database.db, Date.now));
  } catch (error) {
    if (error instanceof DomainError) throw new UserError(error.message);
    throw error;
  } finally {
    await database.close();
  }
}

function printDeliveries(list: readonly DeliveryView[], json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  if (list.length === 0) {
    process.stdout.write("none\n");
    return;
  }
  for (const d of list) {
    process.stdout.write(
      `${d.id}  ${d.status.padEnd(9)}  ${String(d.attempts).padStart(3)} attempts  ${d.triggerId}  ${d.contactId}  ${d.lastError ?? ""}\n`,
    );
  }
}

export function register(program: Command): void {
  const alerts = program
    .command("alerts")
    .description("Inspect alert deliveries and replay dead letters (in the service's database).")
    .addHelpText(
      "after",
      "\nThe database is the service's: DATABASE_URL, or the SQLite file in --data-dir (default .leadscore/data).\n\nExamples:\n  $ leadscore alerts dead-letters\n  $ leadscore alerts replay 0b6f...e1 7c2a...9d\n  $ leadscore alerts replay --all\n  $ leadscore alerts deliveries --status pending --json",
    );
  const common = (command: Command) =>
    command
      .option("-c, --config <file>", "service config file (YAML or JSON)")
      .option("--data-dir <dir>", "folder of the embedded SQLite database (env LEADSCORE_DATA_DIR)")
      .option("--json", "print JSON")
      .option("--limit <n>", "most rows listed", "100");
  const limitOf = (text: string) => {
    const limit = Number(text);
    if (!Number.isInteger(limit) || limit < 1)
      throw new UserError(`--limit must be a positive integer, got "${text}"`);
    return limit;
  };
  common(alerts.command("dead-letters").description("List deliveries that failed every attempt.")).action(
    async (options: DbOptions & { json?: boolean; limit: string }) => {
      const limit = limitOf(options.limit);
      await withAlerts(options, async (a) =>
        printDeliveries(await a.deliveries({ status: "dead", limit }), options.json),
      );
    },
  );
  common(
    alerts
      .command("deliveries")
      .description("List deliveries, newest first.")
      .option("--status <status>", `${DELIVERY_STATUSES.join(", ")}`),
  ).action(async (options: DbOptions & { json?: boolean; limit: string; status?: string }) => {
    const status = options.status;
    if (status !== undefined && !DELIVERY_STATUSES.includes(status as DeliveryView["status"]))
      throw new UserError(`--status must be one of ${DELIVERY_STATUSES.join(", ")}, got "${status}"`);
    const limit = limitOf(options.limit);
    await withAlerts(options, async (a) =>
      printDeliveries(
        await a.deliveries({ ...(status ? { status: status as DeliveryView["status"] } : {}), limit }),
        options.json,
      ),
    );
  });
  alerts
    .command("replay")
    .description("Send dead letters again (same delivery id, attempts from zero).")
    .argument("[ids...]", "delivery ids (see `leadscore alerts dead-letters`)")
    .option("--all", "replay every dead letter")
    .option("-c, --config <file>", "service config file (YAML or JSON)")
    .option("--data-dir <dir>", "folder of the embedded SQLite database (env LEADSCORE_DATA_DIR)")
    .action(async (ids: string[], options: DbOptions & { all?: boolean }) => {
      if (Boolean(options.all) === ids.length > 0)
        throw new UserError("give delivery ids or --all (not both)");
      await withAlerts(options, async (a) => {
        const { replayed } = await a.replay(options.all ? "all" : ids);
        process.stdout.write(`replayed ${replayed} dead letter${replayed === 1 ? "" : "s"}\n`);
      });
    });
}
