/** `leadscore keys`: create, list and revoke API keys, directly in the service's database. */
import type { Command } from "commander";
import {
  createApiKey,
  isScope,
  listApiKeys,
  revokeApiKey,
  SCOPE_DESCRIPTIONS,
  SCOPES,
} from "../../service/api-keys/api-keys.js";
import { ConfigError, loadConfig } from "../../service/config.js";
import { type Database, openDatabase } from "../../store/database.js";
import { Store } from "../../store/store.js";
import { UserError } from "../errors.js";

interface DbOptions {
  config?: string;
  dataDir?: string;
}

async function withDatabase<T>(options: DbOptions, run: (database: Database) => Promise<T>): Promise<T> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ file: options.config, overrides: { dataDir: options.dataDir } });
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(error.message);
    throw error;
  }
  const database = await openDatabase(config);
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

const scopesHelp = `\nScopes:\n${SCOPES.map((scope) => `  ${scope.padEnd(7)} ${SCOPE_DESCRIPTIONS[scope]}`).join("\n")}\n`;

export function register(program: Command): void {
  const keys = program
    .command("keys")
    .description("Manage the service's API keys (stored hashed; a key is shown once, at creation).")
    .addHelpText(
      "after",
      `${scopesHelp}\nThe database is the service's: DATABASE_URL, or the SQLite file in --data-dir (default .leadscore/data).\n\nExamples:\n  $ leadscore keys create --name website --scope ingest\n  $ leadscore keys create --name crm-sync --scope write\n  $ leadscore keys list\n  $ leadscore keys revoke 3f2a9c1b7d4e`,
    );
  const common = (command: Command) =>
    command
      .option("-c, --config <file>", "service config file (YAML or JSON)")
      .option("--data-dir <dir>", "folder of the embedded SQLite database (env LEADSCORE_DATA_DIR)");
  common(
    keys
      .command("create")
      .description("Create a key and print it (only once).")
      .requiredOption("-n, --name <name>", "what the key is for (shown in lists)")
      .option("-s, --scope <scope>", `${SCOPES.join(", ")} (see Scopes below)`, "read")
      .addHelpText("after", scopesHelp),
  ).action(async (options: DbOptions & { name: string; scope: string }) => {
    const scope = options.scope;
    if (!isScope(scope)) {
      throw new UserError(`--scope must be one of ${SCOPES.join(", ")}, got "${scope}"`);
    }
    await withDatabase(options, async (database) => {
      const { key, info } = await createApiKey(new Store(database).apiKeys, options.name, scope, Date.now());
      process.stderr.write(
        `created key ${info.id} (${info.scope}) "${info.name}"; store it now, it is not shown again:\n`,
      );
      process.stdout.write(`${key}\n`);
    });
  });
  common(keys.command("list").description("List keys (ids, names, scopes; never the keys)."))
    .option("--json", "print JSON")
    .action(async (options: DbOptions & { json?: boolean }) => {
      await withDatabase(options, async (database) => {
        const list = await listApiKeys(new Store(database).apiKeys);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        for (const key of list) {
          process.stdout.write(
            `${key.id}  ${key.scope.padEnd(6)}  ${key.revokedAt ? `revoked ${key.revokedAt}` : "active".padEnd(32)}  ${key.name}\n`,
          );
        }
      });
    });
  common(
    keys
      .command("revoke")
      .description("Revoke a key by id (effective within 10 seconds).")
      .argument("<id>", "the key's id"),
  ).action(async (id: string, options: DbOptions) => {
    await withDatabase(options, async (database) => {
      if (!(await revokeApiKey(new Store(database).apiKeys, id, Date.now())))
        throw new UserError(`no active key with id ${id}`);
      process.stdout.write(`revoked ${id}\n`);
    });
  });
}
