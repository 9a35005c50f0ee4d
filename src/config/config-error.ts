import { TriplegainError } from '../shared/triplegain-error.ts';

/** One thing wrong with the configuration: where (`risk.maxLeverage`, `config/local.yaml:3:5`) and what. */
export interface ConfigViolation {
  path: string;
  message: string;
}

/**
 * The configuration is invalid. Carries every violation found, never only the first, so an
 * operator fixes them all in one round. Messages never contain a secret value.
 */
export class ConfigError extends TriplegainError {
  readonly violations: ConfigViolation[];
  readonly layers: string[];

  constructor(violations: ConfigViolation[], layers: string[] = []) {
    const count = violations.length === 1 ? '1 violation' : `${violations.length} violations`;
    const lines = violations.map((v) => `  ${v.path}: ${v.message}`);
    super('CONFIG_INVALID', [`configuration invalid (${count}):`, ...lines].join('\n'), { violations, layers });
    this.name = 'ConfigError';
    this.violations = violations;
    this.layers = layers;
  }
}
