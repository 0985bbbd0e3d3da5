/** The sync server's REST API, as far as the benchmark needs it (sign-up, login, lead PATCH). */

export interface Account {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly workspaceId: string;
}

let counter = 0;

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`POST ${new URL(url).pathname}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

interface AuthBody {
  accessToken: string;
  user: { id: string };
  workspace: { id: string };
}

/** A new admin with a new workspace. */
export async function signUp(serverUrl: string, label: string): Promise<Account> {
  counter += 1;
  const email = `bench-${label}-${Date.now().toString(36)}-${counter}@example.com`;
  const password = 'bench-password-123';
  const r = await post<AuthBody>(`${serverUrl}/api/v1/auth/signup`, {
    email,
    password,
    name: `Bench ${label}`,
    workspaceName: `Bench ${label}`,
  });
  return { email, password, userId: r.user.id, workspaceId: r.workspace.id };
}

/** A fresh access token (a new session) for the account. */
export async function login(serverUrl: string, account: Account): Promise<string> {
  const r = await post<AuthBody>(`${serverUrl}/api/v1/auth/login`, {
    email: account.email,
    password: account.password,
  });
  return r.accessToken;
}

/** `PATCH /api/v1/leads/:id` (a server-side writer through the authority path); returns the seq. */
export async function patchLead(
  serverUrl: string,
  token: string,
  id: string,
  changes: Record<string, unknown>,
): Promise<number> {
  const res = await fetch(`${serverUrl}/api/v1/leads/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(changes),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`PATCH lead ${id}: ${res.status} ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { seq: number }).seq;
}

/** Runs `tasks` with at most `concurrency` in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
