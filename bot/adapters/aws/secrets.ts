import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, type SecretSource } from '../../config/env.js';

/** What the loader needs of a Secrets Manager client (tests pass a fake). */
export interface SecretsClient {
  send(command: GetSecretValueCommand): Promise<{ SecretString?: string }>;
}

export interface LoadSecretsOptions {
  env?: Record<string, string | undefined>;
  client?: SecretsClient;
}

// One read per secret and cold start: the promise is kept, so concurrent callers share it too.
const fetched = new Map<string, Promise<string>>();
let defaultClient: SecretsClient | undefined;
let localFile: { path: string; values: Record<string, string> } | undefined;

/**
 * The secret variables of `sources`, for `parseEnv`: from Secrets Manager when
 * the source's ARN variable is set (on AWS), otherwise from a local source —
 * the environment itself, or with `VICINI_LOCAL_SECRETS=1` also the JSON file
 * `VICINI_SECRETS_FILE`. Inside Lambda a local source is refused unless
 * `VICINI_LOCAL_SECRETS=1` says so, and so is a secret variable set in plain
 * text. No error message carries a secret's value.
 */
export async function loadSecrets(
  sources: readonly SecretSource[],
  options: LoadSecretsOptions = {},
): Promise<Record<string, string>> {
  const env = options.env ?? process.env;
  const local = env.VICINI_LOCAL_SECRETS === '1';
  const inLambda = !!env.AWS_LAMBDA_FUNCTION_NAME;
  const problems: string[] = [];
  const out: Record<string, string> = {};
  await Promise.all(
    sources.map(async (source) => {
      const arn = env[source.arnVariable];
      if (arn) {
        const plain = source.variables.filter((name) => env[name] !== undefined && env[name] !== '');
        if (inLambda && !local && plain.length) {
          problems.push(...plain.map((name) => `  - ${name} must not be set in the environment on AWS`));
          return;
        }
        Object.assign(out, secretVariables(source, await readSecret(arn, env, options.client)));
        return;
      }
      if (inLambda && !local) {
        problems.push(`  - ${source.arnVariable} is missing (the secret ${source.variables.join(', ')})`);
        return;
      }
      const file = local && env.VICINI_SECRETS_FILE ? readLocalFile(env.VICINI_SECRETS_FILE) : {};
      for (const name of source.variables) {
        const value = file[name] ?? env[name];
        if (value !== undefined && value !== '') out[name] = value;
      }
    }),
  );
  if (problems.length) throw new ConfigError(`Configuration problem:\n${problems.join('\n')}`);
  return out;
}

/** Forgets what was read (tests only: a cold start reads each secret once). */
export function forgetSecrets(): void {
  fetched.clear();
  localFile = undefined;
}

function readSecret(
  arn: string,
  env: Record<string, string | undefined>,
  client: SecretsClient | undefined,
): Promise<string> {
  let value = fetched.get(arn);
  if (!value) {
    const sm = client ?? (defaultClient ??= new SecretsManagerClient({ region: env.AWS_REGION }));
    value = sm.send(new GetSecretValueCommand({ SecretId: arn })).then((r) => {
      if (typeof r.SecretString !== 'string') throw new SecretFormatError(arn, 'has no string value');
      return r.SecretString;
    });
    value.catch(() => fetched.delete(arn));
    fetched.set(arn, value);
  }
  return value;
}

/**
 * The variables of `source` from its secret's value. One variable: the string
 * itself. Several: a JSON object with those keys (missing or empty ones stay unset).
 */
export function secretVariables(source: SecretSource, secret: string): Record<string, string> {
  const [only] = source.variables;
  if (source.variables.length === 1 && only) return { [only]: secret };
  const values = parseObject(secret);
  if (!values) throw new SecretFormatError(source.arnVariable, 'is not a JSON object of strings');
  const out: Record<string, string> = {};
  for (const name of source.variables) {
    const value = values[name];
    if (typeof value === 'string' && value !== '') out[name] = value;
  }
  return out;
}

/**
 * The value of a secret holding several variables (a JSON object) with one of
 * them set to `value` and every other key kept as it was: `npm run set-webhook`
 * stores the bot token beside the generated webhook secret this way.
 */
export function withSecretVariable(
  source: SecretSource,
  secret: string,
  name: string,
  value: string,
): string {
  const values = parseObject(secret);
  if (!values) throw new SecretFormatError(source.arnVariable, 'is not a JSON object of strings');
  return JSON.stringify({ ...values, [name]: value });
}

function readLocalFile(path: string): Record<string, string> {
  if (localFile?.path === path) return localFile.values;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`Configuration problem:\n  - VICINI_SECRETS_FILE cannot be read: ${path}`);
  }
  const values = parseObject(text);
  if (!values) {
    throw new ConfigError(`Configuration problem:\n  - VICINI_SECRETS_FILE is not a JSON object: ${path}`);
  }
  const strings = Object.fromEntries(
    Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  localFile = { path, values: strings };
  return strings;
}

/** JSON.parse's message quotes the input: a secret must never reach an error or a log. */
function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export class SecretFormatError extends Error {
  override name = 'SecretFormatError';
  constructor(where: string, problem: string) {
    super(`The secret ${where} ${problem}`);
  }
}
