import { z } from 'zod';
import { checkCrossReferences, crossReferenceInputsValid } from './check-cross-references.ts';
import { AgentsConfig } from './sections/agents-config.ts';
import { AlertsConfig } from './sections/alerts-config.ts';
import { AppSectionConfig } from './sections/app-section-config.ts';
import { BusConfig } from './sections/bus-config.ts';
import { ControlConfig } from './sections/control-config.ts';
import { CoordinatorConfig } from './sections/coordinator-config.ts';
import { DashboardConfig } from './sections/dashboard-config.ts';
import { DatabaseConfig } from './sections/database-config.ts';
import { DegradationConfig } from './sections/degradation-config.ts';
import { ExecutionConfig } from './sections/execution-config.ts';
import { LlmConfig } from './sections/llm-config.ts';
import { MarketDataConfig } from './sections/market-data-config.ts';
import { MetricsConfig } from './sections/metrics-config.ts';
import { PortfolioConfig } from './sections/portfolio-config.ts';
import { RedisConfig } from './sections/redis-config.ts';
import { RiskConfig } from './sections/risk-config.ts';
import { SchedulesConfig } from './sections/schedules-config.ts';
import { SymbolsConfig } from './sections/symbols-config.ts';

/** The sections, without the rules that span them. */
export const AppConfigShape = z
  .object({
    app: AppSectionConfig.prefault({}),
    redis: RedisConfig.prefault({}),
    database: DatabaseConfig.prefault({}),
    bus: BusConfig.prefault({}),
    symbols: SymbolsConfig.prefault({}),
    schedules: SchedulesConfig.prefault({}),
    marketData: MarketDataConfig.prefault({}),
    agents: AgentsConfig.prefault({}),
    llm: LlmConfig.prefault({}),
    degradation: DegradationConfig.prefault({}),
    coordinator: CoordinatorConfig.prefault({}),
    risk: RiskConfig.prefault({}),
    execution: ExecutionConfig.prefault({}),
    portfolio: PortfolioConfig.prefault({}),
    dashboard: DashboardConfig.prefault({}),
    control: ControlConfig.prefault({}),
    alerts: AlertsConfig.prefault({}),
    metrics: MetricsConfig.prefault({}),
  })
  .strict();

/**
 * The whole configuration, validated once at boot. `AppConfig.parse({})` yields every default
 * (the same values `config/default.yaml` holds); unknown keys are refused at every level.
 */
export const AppConfig = AppConfigShape.superRefine(checkCrossReferences, { when: crossReferenceInputsValid });
export type AppConfig = z.infer<typeof AppConfig>;

/** Top-level section names, in file order. */
export const SECTION_NAMES = Object.keys(AppConfigShape.shape) as (keyof AppConfig)[];
