/** The delivery priorities, lowest first; a plain list, free of zod, for the CLI's choices. */
export const priorityNames = ['low', 'normal', 'high', 'urgent'] as const;
