/**
 * Queries of dashboard users and sessions (tables of migration 014), the same on SQLite and
 * PostgreSQL.
 */
import type { Kysely } from "kysely";
import type { Tables } from "./tables.js";

export interface UserRow {
  id: string;
  username: string;
  role: string;
  passwordHash: string;
  createdMs: number;
  disabledMs: number | null;
}

export interface SessionRow {
  tokenHash: string;
  expiresMs: number;
  user: UserRow;
}

const USER_COLUMNS = [
  "users.id",
  "users.username",
  "users.role",
  "users.password_hash",
  "users.created_ms",
  "users.disabled_ms",
] as const;

type UserSelect = {
  id: string;
  username: string;
  role: string;
  password_hash: string;
  created_ms: number;
  disabled_ms: number | null;
};

const userOf = (row: UserSelect): UserRow => ({
  id: row.id,
  username: row.username,
  role: row.role,
  passwordHash: row.password_hash,
  createdMs: Number(row.created_ms),
  disabledMs: row.disabled_ms === null ? null : Number(row.disabled_ms),
});

export class UsersStore {
  constructor(private readonly db: Kysely<Tables>) {}

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Inserts a user; false when the user name is taken. */
  async insertUser(user: Omit<UserRow, "disabledMs">): Promise<boolean> {
    const result = await this.db
      .insertInto("users")
      .values({
        id: user.id,
        username: user.username,
        role: user.role,
        password_hash: user.passwordHash,
        created_ms: user.createdMs,
        disabled_ms: null,
      })
      .onConflict((oc) => oc.column("username").doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async userByName(username: string): Promise<UserRow | undefined> {
    const row = await this.db
      .selectFrom("users")
      .select(USER_COLUMNS)
      .where("users.username", "=", username)
      .executeTakeFirst();
    return row ? userOf(row) : undefined;
  }

  async listUsers(): Promise<UserRow[]> {
    const rows = await this.db.selectFrom("users").select(USER_COLUMNS).orderBy("users.created_ms").execute();
    return rows.map(userOf);
  }

  async insertSession(session: {
    tokenHash: string;
    userId: string;
    createdMs: number;
    expiresMs: number;
  }): Promise<void> {
    await this.db
      .insertInto("sessions")
      .values({
        token_hash: session.tokenHash,
        user_id: session.userId,
        created_ms: session.createdMs,
        expires_ms: session.expiresMs,
      })
      .execute();
  }

  /** The session with this token hash and its user, expired or not. */
  async sessionByHash(tokenHash: string): Promise<SessionRow | undefined> {
    const row = await this.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select([...USER_COLUMNS, "sessions.token_hash", "sessions.expires_ms"])
      .where("sessions.token_hash", "=", tokenHash)
      .executeTakeFirst();
    return row
      ? { tokenHash: row.token_hash, expiresMs: Number(row.expires_ms), user: userOf(row) }
      : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
  }

  /** Removes sessions that ended before `nowMs`; how many. */
  async deleteExpiredSessions(nowMs: number): Promise<number> {
    const result = await this.db.deleteFrom("sessions").where("expires_ms", "<=", nowMs).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
