/**
 * What one process runs; `all` is the single-process installation. A plain list, free of zod,
 * so the CLI can offer the choices without loading the runtime.
 */
export const roleNames = ['all', 'worker', 'scheduler', 'dashboard'] as const;
