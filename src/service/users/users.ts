/**
 * Dashboard users and sessions. A user's role gives its sessions the scope of an API key of
 * the same reach (admin: admin; marketing: write; sales: read), so the API checks a session
 * exactly as it checks a key. A session's token lives only in the browser's cookie; the
 * database keeps its SHA-256.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { UserRow, UsersStore } from "../../store/users-store.js";
import { hashKey, type Scope } from "../api-keys/api-keys.js";
import { Conflict } from "../shared/errors.js";
import { hashPassword, randomPassword, UNMATCHABLE_HASH, verifyPassword } from "./passwords.js";

export const ROLES = ["admin", "marketing", "sales"] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do, as the scope of an API key: sales reads, marketing also writes, admin all. */
export const ROLE_SCOPES: Record<Role, Scope> = { admin: "admin", marketing: "write", sales: "read" };

export const ADMIN_USERNAME = "admin";
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface UserInfo {
  id: string;
  username: string;
  role: Role;
  scope: Scope;
  createdAt: string;
}

export interface SessionInfo {
  user: UserInfo;
  expiresAt: string;
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

function infoOf(row: UserRow): UserInfo | undefined {
  if (!isRole(row.role)) return undefined;
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    scope: ROLE_SCOPES[row.role],
    createdAt: new Date(row.createdMs).toISOString(),
  };
}

export class Users {
  constructor(
    private readonly store: UsersStore,
    private readonly clock: () => number,
    private readonly sessionTtlMs = SESSION_TTL_MS,
  ) {}

  /**
   * On a database without users: creates the admin, with `password` or a random one, which is
   * returned (to show once); undefined when users exist already.
   */
  async ensureAdmin(password?: string): Promise<{ username: string; password: string } | undefined> {
    if ((await this.store.countUsers()) > 0) return undefined;
    const chosen = password ?? randomPassword();
    const created = await this.insert(ADMIN_USERNAME, "admin", chosen);
    // Another process sharing the database created it first: its password stands.
    return created ? { username: ADMIN_USERNAME, password: chosen } : undefined;
  }

  /** A new user with `password` or a random one (returned: it is shown once). 409 when taken. */
  async create(
    username: string,
    role: Role,
    password?: string,
  ): Promise<{ user: UserInfo; password: string }> {
    const chosen = password ?? randomPassword();
    const user = await this.insert(username, role, chosen);
    if (!user) throw new Conflict("conflict", `a user named ${username} exists already`);
    return { user, password: chosen };
  }

  async list(): Promise<UserInfo[]> {
    return (await this.store.listUsers()).flatMap((row) => infoOf(row) ?? []);
  }

  /**
   * A new session for this user name and password, or null: unknown user, wrong password and
   * disabled user look the same and cost the same.
   */
  async login(username: string, password: string): Promise<{ token: string; session: SessionInfo } | null> {
    const row = await this.store.userByName(username);
    const matches = await verifyPassword(password, row?.passwordHash ?? UNMATCHABLE_HASH);
    const user = row && matches && row.disabledMs === null ? infoOf(row) : undefined;
    if (!user) return null;
    const now = this.clock();
    await this.store.deleteExpiredSessions(now);
    const token = randomBytes(32).toString("base64url");
    const expiresMs = now + this.sessionTtlMs;
    await this.store.insertSession({ tokenHash: hashKey(token), userId: user.id, createdMs: now, expiresMs });
    return { token, session: { user, expiresAt: new Date(expiresMs).toISOString() } };
  }

  /** The live session of this token, or null (unknown, expired, or its user disabled). */
  async session(token: string): Promise<SessionInfo | null> {
    const row = await this.store.sessionByHash(hashKey(token));
    if (!row || row.expiresMs <= this.clock() || row.user.disabledMs !== null) return null;
    const user = infoOf(row.user);
    return user ? { user, expiresAt: new Date(row.expiresMs).toISOString() } : null;
  }

  async logout(token: string): Promise<void> {
    await this.store.deleteSession(hashKey(token));
  }

  private async insert(username: string, role: Role, password: string): Promise<UserInfo | undefined> {
    const row = {
      id: randomUUID(),
      username,
      role,
      passwordHash: await hashPassword(password),
      createdMs: this.clock(),
    };
    return (await this.store.insertUser(row)) ? infoOf({ ...row, disabledMs: null }) : undefined;
  }
}
