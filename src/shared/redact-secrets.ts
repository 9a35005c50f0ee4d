/**
 * Secrets only ever come from the environment. These helpers keep them out of logs and error
 * messages: any value of an environment variable whose name says it is a secret, and any
 * password inside a URL, is replaced by `***`.
 */
const SECRET_NAME = /(KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASS|CREDENTIALS?)$/i;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*):([^/\s@]+)@/gi;

function secretValues(env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < 4) continue;
    if (SECRET_NAME.test(name)) values.push(value);
    // A URL in the environment may carry a password even when its name does not say so.
    for (const match of value.matchAll(URL_CREDENTIALS)) {
      if (match[3] && match[3].length >= 4) values.push(match[3]);
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  return values.sort((a, b) => b.length - a.length);
}

export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:***@`);
  for (const value of secretValues(env)) out = out.split(value).join('***');
  return out;
}

/** `redis://user:pw@host:6379/0` → `redis://user:***@host:6379/0`. */
export function redactUrl(url: string): string {
  return url.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:***@`);
}
