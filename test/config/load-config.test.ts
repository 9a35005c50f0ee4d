import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createConfigFixture, type ConfigFixture } from './config-fixture.ts';

let fixture: ConfigFixture;
beforeEach(() => {
  fixture = createConfigFixture();
});
afterEach(() => fixture.cleanup());

/** Loads from the fixture directory; `env` is the whole environment. */
function load(options: { file?: string; env?: NodeJS.ProcessEnv } = {}) {
  return loadConfig({ configDir: fixture.dir, env: {}, ...options });
}

/** The violations `load` throws, as `path: message` lines. */
function violations(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): string[] {
  try {
    load(options);
  } catch (err) {
    if (err instanceof ConfigError) return err.violations.map((v) => `${v.path}: ${v.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig layering', () => {
  it('layers config/local.yaml over the defaults, merging mappings key by key', () => {
    fixture.write('local.yaml', 'risk:\n  maxLeverage: 2\n  stopLoss:\n    maxDistancePct: 5\n');
    const { config, layers } = load();
    expect(config.risk.maxLeverage).toBe(2);
    expect(config.risk.stopLoss).toEqual({ required: true, minDistancePct: 0.5, maxDistancePct: 5 });
    expect(config.risk.maxPositionPct).toBe(35);
    expect(layers.map((l) => l.split('/').at(-1))).toEqual(['default.yaml', 'local.yaml']);
  });

  it('merges a provider entry key by key and keeps the other providers', () => {
    fixture.write('local.yaml', 'llm:\n  providers:\n    deepseek:\n      model: deepseek-reasoner\n');
    const { config } = load();
    expect(config.llm.providers.deepseek).toMatchObject({
      kind: 'openai-compatible',
      baseUrl: 'https://api.deepseek.com',
      model: 'deepseek-reasoner',
    });
    expect(Object.keys(config.llm.providers)).toEqual(['deepseek', 'anthropic', 'openai', 'ollama']);
  });

  it('replaces lists and the portfolio targets instead of merging them', () => {
    fixture.write('local.yaml', 'symbols:\n  pairs: [BTC/USD]\nportfolio:\n  targets: { BTC: 50, USD: 50 }\n');
    const { config } = load();
    expect(config.symbols.pairs).toEqual(['BTC/USD']);
    expect(config.portfolio.targets).toEqual({ BTC: 50, USD: 50 });
  });

  it('uses an explicit file instead of local.yaml', () => {
    fixture.write('local.yaml', 'risk:\n  maxLeverage: 2\n');
    const file = fixture.write('other.yaml', 'risk:\n  maxOpenPositions: 7\n');
    const { config, layers } = load({ file });
    expect(config.risk.maxLeverage).toBe(5);
    expect(config.risk.maxOpenPositions).toBe(7);
    expect(layers.at(-1)).toContain('other.yaml');
  });

  it('uses the file named by TRIPLEGAIN_CONFIG instead of local.yaml', () => {
    fixture.write('local.yaml', 'risk:\n  maxLeverage: 2\n');
    const file = fixture.write('env.yaml', 'risk:\n  maxOpenPositions: 9\n');
    const { config } = load({ env: { TRIPLEGAIN_CONFIG: file } });
    expect(config.risk.maxLeverage).toBe(5);
    expect(config.risk.maxOpenPositions).toBe(9);
  });

  it('reports an explicit file that does not exist', () => {
    expect(violations({ file: `${fixture.dir}/missing.yaml` })).toEqual([
      `${fixture.dir}/missing.yaml: file not found`,
    ]);
  });
});

describe('loadConfig environment overrides', () => {
  it('turns TRIPLEGAIN__SECTION__KEY into a camelCase path and reads numbers and booleans', () => {
    const { config, layers } = load({
      env: {
        TRIPLEGAIN__RISK__MAX_LEVERAGE: '3',
        TRIPLEGAIN__RISK__STOP_LOSS__REQUIRED: 'false',
        TRIPLEGAIN__MARKET_DATA__REPLAY__SPEED: '60',
        TRIPLEGAIN__LLM__PROVIDERS__DEEPSEEK__INPUT_USD_PER_M_TOK: '0.5',
      },
    });
    expect(config.risk.maxLeverage).toBe(3);
    expect(config.risk.stopLoss.required).toBe(false);
    expect(config.marketData.replay.speed).toBe(60);
    expect(config.llm.providers.deepseek?.inputUsdPerMTok).toBe(0.5);
    expect(layers.at(-1)).toContain('TRIPLEGAIN__RISK__MAX_LEVERAGE');
  });

  it('wins over the local file', () => {
    fixture.write('local.yaml', 'risk:\n  maxLeverage: 2\n');
    expect(load({ env: { TRIPLEGAIN__RISK__MAX_LEVERAGE: '4' } }).config.risk.maxLeverage).toBe(4);
  });

  it('addresses existing keys spelt in capitals, and sets lists from flow syntax', () => {
    const { config } = load({
      env: {
        TRIPLEGAIN__PORTFOLIO__TARGETS__BTC: '40',
        TRIPLEGAIN__PORTFOLIO__TARGETS__XRP: '26.66',
        TRIPLEGAIN__SYMBOLS__PAIRS: '[BTC/USD, XRP/USD]',
      },
    });
    expect(config.portfolio.targets).toEqual({ BTC: 40, XRP: 26.66, USD: 33.34 });
  });

  it('keeps a value a string where the schema expects one', () => {
    const { config } = load({ env: { TRIPLEGAIN__DASHBOARD__PASSWORD: '12345', TRIPLEGAIN__DASHBOARD__USER: 'true' } });
    expect(config.dashboard.password).toBe('12345');
    expect(config.dashboard.user).toBe('true');
  });

  it('validates overridden values like any other', () => {
    expect(violations({ env: { TRIPLEGAIN__RISK__MAX_LEVERAGE: '50', TRIPLEGAIN__RISK__FOO: '1' } })).toEqual([
      'risk.maxLeverage: 50 is out of range (allowed 1 to 5)',
      'risk.foo: unknown key',
    ]);
  });
});

describe('loadConfig ${VAR} references', () => {
  it('fills ${VAR} and ${VAR:-default} from the environment', () => {
    const file = fixture.write(
      'refs.yaml',
      'dashboard:\n  password: ${PW}\n  user: ${DASH_USER:-operator}\n  port: ${DASH_PORT:-3100}\napp:\n  dataDir: cost$$5\n',
    );
    const { config, layers } = load({ file, env: { PW: 'p4ssw0rd' } });
    expect(config.dashboard).toMatchObject({ password: 'p4ssw0rd', user: 'operator', port: 3100 });
    expect(config.app.dataDir).toBe('cost$5');
    expect(layers.at(-1)).toBe('environment references (PW)');
  });

  it('uses the default of ${VAR:-default} when the variable is set but empty, as a shell does', () => {
    const file = fixture.write('refs.yaml', 'dashboard:\n  user: ${DASH_USER:-operator}\n');
    expect(load({ file, env: { DASH_USER: '' } }).config.dashboard.user).toBe('operator');
  });

  it('reports malformed and unclosed references', () => {
    const file = fixture.write('refs.yaml', 'dashboard:\n  user: ${not valid}\n  host: abc${HOST\n');
    expect(violations({ file })).toEqual([
      'dashboard.host: unclosed ${ (expected ${NAME} or ${NAME:-default})',
      'dashboard.user: malformed reference ${not valid} (expected ${NAME} or ${NAME:-default})',
    ]);
  });

  it('fills the secrets default.yaml refers to', () => {
    const { config } = load({ env: { DEEPSEEK_API_KEY: 'sk-test-1', REDIS_URL: 'redis://127.0.0.1:6390' } });
    expect(config.llm.providers.deepseek?.apiKey).toBe('sk-test-1');
    expect(config.redis.url).toBe('redis://127.0.0.1:6390');
  });

  it('reports a missing variable with its path and name, and every other violation with it', () => {
    const file = fixture.write('refs.yaml', 'control:\n  token: ${CONTROL_TOKEN_FOR_TEST}\nrisk:\n  maxLeverage: 9\n');
    expect(violations({ file })).toEqual([
      'control.token: environment variable CONTROL_TOKEN_FOR_TEST is not set (write ${CONTROL_TOKEN_FOR_TEST:-} to allow it to be empty)',
      'risk.maxLeverage: 9 is out of range (allowed 1 to 5)',
    ]);
  });

  it('never puts a secret value in a violation', () => {
    const file = fixture.write('refs.yaml', 'execution:\n  kraken:\n    tier: ${KRAKEN_API_SECRET}\n');
    const error = catchConfigError(() => load({ file, env: { KRAKEN_API_SECRET: 'c2VjcmV0LXZhbHVl' } }));
    expect(error.violations).toEqual([
      { path: 'execution.kraken.tier', message: 'expected one of starter|intermediate|pro, got ***' },
    ]);
    expect(error.message).not.toContain('c2VjcmV0LXZhbHVl');
  });
});

describe('loadConfig refuses secrets written in a file', () => {
  it('refuses a literal secret, naming the file, the path and the variable to set, never the value', () => {
    fixture.write(
      'local.yaml',
      'dashboard:\n  password: hunter2-hunter2-hunter2\ncontrol:\n  token: "0123456789abcdef"\n',
    );
    const error = catchConfigError(() => load({ env: { DASHBOARD_PASSWORD: 'from-the-environment' } }));
    const file = `${fixture.dir}/local.yaml`.replace(`${process.cwd()}/`, '');
    expect(error.violations).toEqual([
      {
        path: 'dashboard.password',
        message: `is a secret written in ${file}; secrets come only from the environment: write \${DASHBOARD_PASSWORD} there (or remove the line) and set DASHBOARD_PASSWORD in the environment`,
      },
      {
        path: 'control.token',
        message: `is a secret written in ${file}; secrets come only from the environment: write \${CONTROL_API_TOKEN} there (or remove the line) and set CONTROL_API_TOKEN in the environment`,
      },
    ]);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('0123456789abcdef');
  });

  it('refuses every secret field: API keys and secrets, a provider of its own, a number, a reference with a default value or text around it', () => {
    const file = fixture.write(
      'secrets.yaml',
      [
        'execution:',
        '  kraken:',
        '    apiKey: kraken-key',
        '    apiSecret: ${KRAKEN_API_SECRET:-c2VjcmV0}',
        'llm:',
        '  providers:',
        '    mistral:',
        '      kind: openai-compatible',
        '      baseUrl: https://api.mistral.ai/v1',
        '      model: mistral-small',
        '      apiKey: sk-${MISTRAL_KEY}',
        'dashboard:',
        '  password: 1234567890123456',
        '',
      ].join('\n'),
    );
    const found = violations({ file, env: { MISTRAL_KEY: 'x' } });
    expect(found.map((line) => line.split(':')[0])).toEqual([
      'execution.kraken.apiKey',
      'execution.kraken.apiSecret',
      'llm.providers.mistral.apiKey',
      'dashboard.password',
    ]);
    expect(found[0]).toContain('set KRAKEN_API_KEY in the environment');
    expect(found[2]).toContain('write ${MISTRAL_API_KEY} there');
    // The number is refused as a secret, not reported again (with its value) as a wrong type.
    expect(found.join('\n')).not.toContain('1234567890123456');
    expect(found.join('\n')).not.toContain('c2VjcmV0');
  });

  it('takes secrets from ${VAR} references, empty values and environment overrides', () => {
    const file = fixture.write(
      'refs.yaml',
      'dashboard:\n  password: ${MY_DASHBOARD_PASSWORD}\ncontrol:\n  token: ""\nexecution:\n  kraken:\n    apiKey: ${KRAKEN_KEY_FOR_TEST:-}\n',
    );
    const { config } = load({
      file,
      env: { MY_DASHBOARD_PASSWORD: 'a-long-dashboard-password', TRIPLEGAIN__CONTROL__TOKEN: 'token-from-env' },
    });
    expect(config.dashboard.password).toBe('a-long-dashboard-password');
    expect(config.control.token).toBe('token-from-env');
    expect(config.execution.kraken.apiKey).toBe('');
  });

  it('leaves strings that are not secrets alone, whatever their key', () => {
    const file = fixture.write(
      'plain.yaml',
      'dashboard:\n  user: operator\n  host: 127.0.0.1\napp:\n  dataDir: secret-stuff\n',
    );
    expect(load({ file }).config.dashboard.user).toBe('operator');
  });
});

describe('loadConfig errors', () => {
  it('throws a ConfigError with code CONFIG_INVALID', () => {
    fixture.write('local.yaml', 'risk:\n  maxLeverage: 50\n');
    const error = catchConfigError(() => load());
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('risk.maxLeverage: 50 is out of range (allowed 1 to 5)');
  });

  it("reports every YAML syntax error with file, line and column, together with other layers' violations", () => {
    const file = fixture.write('broken.yaml', 'risk:\n  maxLeverage: 2\nrisk: 3\napp:\n  mode: [paper\n');
    const found = violations({ file, env: { TRIPLEGAIN__BUS__BATCH_SIZE: '0' } });
    expect(found).toContain(`${file}:3:1: Map keys must be unique`);
    expect(found.some((line) => line.startsWith(`${file}:6:1: `))).toBe(true);
    expect(found).toContain('bus.batchSize: 0 is out of range (allowed 1 to 1000)');
  });

  it('refuses a file whose top level is not a mapping', () => {
    const file = fixture.write('list.yaml', '- risk\n- app\n');
    expect(violations({ file })).toEqual([`${file}: expected a mapping of sections at the top level, got a list`]);
  });
});

function catchConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
