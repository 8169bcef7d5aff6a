/** `leadscore serve`: run the scoring service (HTTP API) on SQLite or PostgreSQL. */
import type { Command } from "commander";
import { closeOnSignals, startServer } from "../../server/start.js";
import { CONFIG_ENV_VARS, ConfigError, configSchema, loadConfig } from "../../service/config.js";
import { UserError } from "../errors.js";

interface ServeOptions {
  config?: string;
  port?: string;
  host?: string;
  dataDir?: string;
  demo?: boolean;
  demoContacts: string;
  seed: string;
}

/** Names separated by commas, wrapped at 92 columns, each line indented. */
function wrapNames(names: readonly string[], indent = "    "): string {
  const lines: string[] = [];
  let line = "";
  for (const name of names) {
    const next = line ? `${line}, ${name}` : name;
    if (indent.length + next.length + 1 > 92 && line) {
      lines.push(`${indent}${line},`);
      line = name;
    } else line = next;
  }
  if (line) lines.push(`${indent}${line}`);
  return lines.join("\n");
}

const HELP = `
Configuration (later wins): defaults, the config file (--config or LEADSCORE_CONFIG, YAML or
JSON), environment variables, then these options. docs/settings.md says what each
setting does.
  config file keys:
${wrapNames(Object.keys(configSchema.shape))}
  environment variables:
${wrapNames(CONFIG_ENV_VARS)}

The dashboard is at / on the same port. On the first start (no user yet) the admin user is
created with the password of LEADSCORE_ADMIN_PASSWORD, or a random one printed once.

Without DATABASE_URL the data lives in <data dir>/leadscore.db (SQLite). With
DATABASE_URL=postgres://user@host:5432/db several processes can share one database.

Examples:
  $ leadscore serve --demo                      # what npm start runs
  $ PORT=9000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/leadscore leadscore serve
  $ leadscore keys create --name website --scope ingest   # the key a website's SDK embeds
`;

export function register(program: Command): void {
  program
    .command("serve")
    .description("Run the scoring service: ingestion API, real-time scores, model publishing.")
    .option("-c, --config <file>", "config file (YAML or JSON)")
    .option("-p, --port <port>", "HTTP port (env PORT, default 8080)")
    .option("--host <host>", "interface to listen on (env HOST, default 127.0.0.1)")
    .option("--data-dir <dir>", "folder of the embedded SQLite database (env LEADSCORE_DATA_DIR)")
    .option(
      "--demo",
      "on an empty database: load the demo data set, publish the b2b model, print a demo API key",
    )
    .option("--demo-contacts <n>", "demo contacts to load", "2000")
    .option("--seed <n>", "seed of the demo data", "42")
    .addHelpText("after", HELP)
    .action(async (options: ServeOptions) => {
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig({
          file: options.config,
          overrides: { port: options.port, host: options.host, dataDir: options.dataDir },
        });
      } catch (error) {
        if (error instanceof ConfigError) throw new UserError(error.message);
        throw error;
      }
      const contacts = Number(options.demoContacts);
      const seed = Number(options.seed);
      if (!Number.isSafeInteger(contacts) || contacts < 1)
        throw new UserError(`--demo-contacts must be a positive integer, got ${options.demoContacts}`);
      if (!Number.isSafeInteger(seed)) throw new UserError(`--seed must be an integer, got ${options.seed}`);
      const server = await startServer(config, {
        demo: options.demo ? { contacts, seed } : undefined,
        banner: true,
        adminPassword: process.env.LEADSCORE_ADMIN_PASSWORD || undefined,
      });
      closeOnSignals(server, (text) => process.stdout.write(`${text}\n`));
    });
}
